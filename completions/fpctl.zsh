#compdef fpctl

_fpctl_completion() {
  eval $(env _TYPER_COMPLETE_ARGS="${words[1,$CURRENT]}" _FPCTL_COMPLETE=complete_zsh fpctl)
}

compdef _fpctl_completion fpctl
