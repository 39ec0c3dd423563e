# fpctl completion for fish. Install it with:
#   fpctl completion fish > ~/.config/fish/completions/fpctl.fish
function __fpctl_complete
    set -l line (commandline -cp | string collect)
    _FPCTL_COMPLETE=complete_fish _FPCTL_COMPLETE_LINE=$line fpctl 2>/dev/null |
        while read -l -d \t kind value help
            switch $kind
                case plain
                    if test -n "$help"
                        printf '%s\t%s\n' $value $help
                    else
                        printf '%s\n' $value
                    end
                case file
                    __fish_complete_path (commandline -ct)
                case dir
                    __fish_complete_directories (commandline -ct)
            end
        end
end

complete -c fpctl -f -k -a '(__fpctl_complete)'
