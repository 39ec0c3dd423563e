# fpctl completion for bash. In ~/.bashrc:  eval "$(fpctl completion bash)"
_fpctl_completion() {
    local kind value help
    COMPREPLY=()
    while IFS=$'\t' read -r kind value help; do
        case $kind in
            plain) COMPREPLY+=("$value") ;;
            file | dir)
                compopt -o filenames 2>/dev/null
                while IFS= read -r value; do
                    COMPREPLY+=("$value")
                done < <(compgen -"${kind:0:1}" -- "$2") ;;
        esac
    done < <(_FPCTL_COMPLETE=complete_bash _FPCTL_COMPLETE_LINE="${COMP_LINE:0:COMP_POINT}" \
        _FPCTL_COMPLETE_WORD="$2" fpctl 2>/dev/null)
    compopt -o nosort 2>/dev/null
    return 0
}

complete -F _fpctl_completion fpctl
