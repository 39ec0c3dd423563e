"""fpctl completion: print the shell completion script (what `completions/` ships)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer


class Shell(StrEnum):
    BASH = "bash"
    ZSH = "zsh"
    FISH = "fish"


def script(shell: Shell | str) -> str:
    """The completion script for ``shell`` (what ``completions/`` ships)."""
    from fpctl.cli import completion_shells

    return completion_shells.script(Shell(shell).value)


def completion(
    shell: Annotated[Shell, typer.Argument(metavar="SHELL", help="bash, zsh or fish.")],
) -> None:
    """Print the completion script for SHELL. TAB completes commands, options and values
    from the store: emails, slugs, order, approval, invitation, project and list ids (with
    what each is, in zsh and fish), usernames and statuses; file names only for a FILE.

    \b
    bash:  eval "$(fpctl completion bash)"                  (in ~/.bashrc)
    zsh:   source <(fpctl completion zsh)                   (in ~/.zshrc, after compinit)
    fish:  fpctl completion fish > ~/.config/fish/completions/fpctl.fish
    """
    typer.echo(script(shell), nl=False)


def register(app: typer.Typer) -> None:
    from fpctl.cli import helptext

    epilog = helptext.examples(
        "fpctl completion bash",
        "fpctl completion fish > ~/.config/fish/completions/fpctl.fish",
    )
    app.command("completion", cls=helptext.Command, epilog=epilog)(completion)
