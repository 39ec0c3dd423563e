"""How bash, zsh and fish ask fpctl for completions, and the scripts that ask.

One protocol for the three shells. A script runs ``fpctl`` with ``_FPCTL_COMPLETE=complete_SHELL``
and the command line up to the cursor in ``_FPCTL_COMPLETE_LINE``; fpctl prints one candidate a
line, ``KIND<TAB>VALUE<TAB>HELP``: KIND ``plain`` (VALUE is the word to insert, HELP what zsh and
fish show beside it) or ``file``/``dir`` (the shell completes paths itself: only where a path is
expected). The scripts read this as data and add the values as they are: nothing is evaluated.

Typer's own scripts did otherwise, and zsh garbled values: it handed them to ``_arguments``,
whose default matcher ``r:|[_-]=* r:|=*`` lets a ``-`` stand for any text, so with two emails
of one account TAB inserted ``quinn.-traders.test``. Its output was also ``eval``-ed (store
text run as shell code), fell back to file names when nothing matched, and loaded Rich
for the help texts.
"""

from __future__ import annotations

import os
import re
from typing import Any

from typer._click.core import Parameter
from typer._click.shell_completion import (
    CompletionItem,
    ShellComplete,
    _resolve_context,
    _resolve_incomplete,
    add_completion_class,
    split_arg_string,
)

LINE_VAR = "_FPCTL_COMPLETE_LINE"
WORD_VAR = "_FPCTL_COMPLETE_WORD"  # bash: the text readline replaces (after a `=`, `:` or `@`)

#: Arguments whose metavar says they take a path: the shell completes file or folder names.
#: Everywhere else a value is expected, TAB offers values or nothing, never file names.
PATH_METAVARS = {"FILE": "file", "FILE|-": "file", "PATH": "file", "URL|PATH": "file", "DIR": "dir"}

_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]+")
_HELP_WIDTH = 80

BASH = r"""# fpctl completion for bash. In ~/.bashrc:  eval "$(fpctl completion bash)"
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
"""

ZSH = r"""#compdef fpctl
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
"""

FISH = r"""# fpctl completion for fish. Install it with:
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
"""

SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH}


def split_line(line: str) -> tuple[list[str], str]:
    """The words after ``fpctl`` on a command line cut at the cursor, and the word under the
    cursor (empty after a space). ``VAR=value`` words before the program are skipped."""
    words = split_arg_string(line)
    at_boundary = not words or len(split_arg_string(line + "x")) > len(words)
    incomplete = "" if at_boundary else words.pop()
    while words and _ASSIGNMENT.match(words[0]):
        words.pop(0)
    return words[1:], incomplete


def _option_head(incomplete: str) -> str:
    """``--account=`` when the word is an option given with ``=``: Click completes the value
    alone, and zsh and fish replace the whole word."""
    if incomplete.startswith("-") and "=" in incomplete:
        return incomplete.partition("=")[0] + "="
    return ""


def _help(item: CompletionItem) -> str:
    """One line of printable text, cut at a space (never inside an amount or an email)."""
    text = " ".join(_UNPRINTABLE.sub(" ", str(item.help or "")).split())
    if len(text) <= _HELP_WIDTH:
        return text
    cut = text[:_HELP_WIDTH].rpartition(" ")[0] or text[: _HELP_WIDTH - 1]
    return cut.rstrip(" ·,") + "…"


class FpctlComplete(ShellComplete):
    """The protocol above; subclasses name the shell and say which part of the word it
    replaces."""

    def source_vars(self) -> dict[str, Any]:
        return {}

    def source(self) -> str:
        return SCRIPTS[self.name]

    def get_completion_args(self) -> tuple[list[str], str]:
        return split_line(os.environ.get(LINE_VAR, ""))

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        ctx = _resolve_context(self.cli, self.ctx_args, self.prog_name, args)
        handler, incomplete = _resolve_incomplete(ctx, args, incomplete)
        if isinstance(handler, Parameter) and str(handler.metavar) in PATH_METAVARS:
            return [CompletionItem("", type=PATH_METAVARS[str(handler.metavar)])]
        return handler.shell_complete(ctx, incomplete)

    def replaced(self, incomplete: str) -> str:
        """The start of the word that stays as typed: what each value loses in front."""
        return ""

    def format_completion(self, item: CompletionItem) -> str:
        return f"{item.type}\t{item.value}\t{_help(item)}"

    def complete(self) -> str:
        """Every candidate, or nothing at all when anything goes wrong."""
        try:
            args, incomplete = self.get_completion_args()
            head = _option_head(incomplete)
            kept = self.replaced(incomplete)
            lines = []
            for item in self.get_completions(args, incomplete):
                value = head + str(item.value) if item.type == "plain" else ""
                if item.type == "plain" and not value.startswith(kept):
                    continue
                item.value = value[len(kept) :]
                if _UNPRINTABLE.search(item.value) or (item.type == "plain" and not item.value):
                    continue
                lines.append(self.format_completion(item))
            return "\n".join(lines)
        except Exception:
            return ""


class BashComplete(FpctlComplete):
    name = "bash"

    def replaced(self, incomplete: str) -> str:
        """Readline replaces the text after the last of COMP_WORDBREAKS (`=`, `:`, `@`...):
        the word bash passed as $2, a tail of the word being completed."""
        word = os.environ.get(WORD_VAR, "")
        if not incomplete.endswith(word):
            return ""
        return incomplete[: len(incomplete) - len(word)]


class ZshComplete(FpctlComplete):
    name = "zsh"


class FishComplete(FpctlComplete):
    name = "fish"


def register() -> None:
    """Make ``_FPCTL_COMPLETE=complete_SHELL`` use these classes (Typer registers its own)."""
    for shell in (BashComplete, ZshComplete, FishComplete):
        add_completion_class(shell, shell.name)


def script(shell: str) -> str:
    return SCRIPTS[shell]
