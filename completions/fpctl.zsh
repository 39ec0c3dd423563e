#compdef fpctl
# fpctl completion for zsh. Save it as _fpctl in a folder of $fpath, or in ~/.zshrc after
# compinit:  source <(fpctl completion zsh)

_fpctl() {
  local -a lines described
  local line kind value help paths ret=1
  (( $+commands[fpctl] )) || return 1
  lines=("${(@f)$(_FPCTL_COMPLETE=complete_zsh \
    _FPCTL_COMPLETE_LINE="${words[1,CURRENT-1]} ${(q)${(Q)PREFIX}}" fpctl 2>/dev/null)}")
  for line in "${lines[@]}"; do
    kind=${line%%$'\t'*}
    line=${line#*$'\t'}
    value=${line%%$'\t'*}
    help=${line#*$'\t'}
    case $kind in
      (plain) described+=("${value//:/\\:}${help:+:$help}") ;;
      (file|dir) paths=$kind ;;
    esac
  done
  if (( $#described )); then
    _describe -V -t values value described && ret=0
  fi
  case $paths in
    (file) _files && ret=0 ;;
    (dir) _files -/ && ret=0 ;;
  esac
  return ret
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _fpctl "$@"
else
  compdef _fpctl fpctl
fi
