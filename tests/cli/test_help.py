"""Help that teaches (issue 12, item 14): every command shows one to three examples, each of
which parses against the real command tree; the root groups its commands by topic and says
where to read more; metavars read as words.

Examples are read from the help as printed at 80 columns and parsed with Click's own
``make_context`` down the tree, as a run would, without invoking anything: an unknown
option, a missing argument, a bad choice or a command line that ends at a group fails.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.core import TyperGroup

from fpctl.cli.helptext import EXAMPLES, TOPICS, example_lines
from tests.conftest import Cli

# Help never opens a store: the same on every backend.
pytestmark = pytest.mark.sqlite_only

WIDTH = 80
#: What ends the fpctl part of an example's shell line.
SHELL_OPERATORS = {"|", "||", "&&", ";", ">", ">>", "<", "&"}


def root_command() -> Any:
    from fpctl.cli.app import app

    return typer.main.get_command(app)


def leaves(command: Any, path: tuple[str, ...] = ("fpctl",)) -> Iterator[tuple[str, Any]]:
    """Every command under ``command`` that is not a group, by its full name."""
    if not isinstance(command, TyperGroup):
        yield " ".join(path), command
        return
    for name, sub in command.commands.items():
        if not sub.hidden:
            yield from leaves(sub, (*path, name))


LEAVES = dict(leaves(root_command()))


def rendered_help(path: str) -> str:
    """``PATH --help`` as printed at 80 columns, from the real command tree."""
    root = root_command()
    ctx = typer.Context(root, info_name="fpctl", terminal_width=WIDTH, max_content_width=WIDTH)
    command = root
    for name in path.split()[1:]:
        command = command.commands[name]
        ctx = typer.Context(command, info_name=name, parent=ctx)
    return command.get_help(ctx)


def shown_examples(help_text: str) -> list[str]:
    """The lines under the help's "Examples:" heading, as printed."""
    lines = help_text.splitlines()
    if EXAMPLES not in lines:
        return []
    shown = []
    for line in lines[lines.index(EXAMPLES) + 1 :]:
        if not line.strip():
            break
        shown.append(line)
    return shown


def fpctl_words(example: str) -> list[str]:
    """The words fpctl is given by a shell line (up to a pipe or a redirection)."""
    lexer = shlex.shlex(example, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = []
    for word in lexer:
        if word in SHELL_OPERATORS:
            break
        words.append(word)
    assert words[0] == "fpctl", example
    return words[1:]


def parse(words: list[str]) -> typer.Context:
    """The context of the command ``fpctl WORDS`` names, parsed as a run parses it (options,
    arguments, types, choices, required values), with nothing invoked."""
    command = root_command()
    ctx = command.make_context("fpctl", list(words))
    while isinstance(command, TyperGroup):
        rest = [*ctx._protected_args, *ctx.args]
        if not rest:
            raise typer.BadParameter(f"{ctx.command_path} needs a command")
        name, command, rest = command.resolve_command(ctx, rest)
        ctx = command.make_context(name, rest, parent=ctx)
    return ctx


# -- examples ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", LEAVES)
def test_every_command_shows_one_to_three_examples_as_written(path: str) -> None:
    shown = shown_examples(rendered_help(path))

    assert 1 <= len(shown) <= 3, f"{path}: {len(shown)} examples"
    # printed as written (never rewrapped), each line within 80 columns
    assert [line.strip() for line in shown] == example_lines(LEAVES[path].epilog)
    assert all(line.startswith("  fpctl ") and len(line) <= WIDTH for line in shown), shown


@pytest.mark.parametrize("path", LEAVES)
def test_every_example_parses_as_the_command_it_illustrates(path: str) -> None:
    for example in shown_examples(rendered_help(path)):
        ctx = parse(fpctl_words(example.strip()))
        assert ctx.command_path == path, example


@pytest.mark.parametrize(
    "example",
    [
        "fpctl team invite bea@acme.test --colour blue",  # an unknown option
        "fpctl order show",  # a missing argument
        "fpctl role set mia@acme.test owner",  # a bad choice
        "fpctl team invite bea@acme.test --role owner",
        "fpctl order show 27 28",  # an extra argument
        "fpctl order show x",  # not an id
        "fpctl order hours",  # a group, not a command
        "fpctl orders list",  # no such command
    ],
)
def test_a_wrong_example_fails_to_parse(example: str) -> None:
    with pytest.raises(typer.TyperException):
        parse(fpctl_words(example))


def test_examples_before_the_command_name_and_shell_syntax_parse() -> None:
    ctx = parse(fpctl_words("fpctl -o json db path | jq -r .path"))
    assert ctx.command_path == "fpctl db path"
    ctx = parse(fpctl_words('fpctl audit verify --expect "$(cat anchor.txt)" > out'))
    assert ctx.params["expect"] == "$(cat anchor.txt)"


# -- the root ------------------------------------------------------------------------------


def root_help(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    result = cli("--help")
    assert (result.exit_code, result.stderr) == (0, "")
    return result.stdout


def test_the_root_groups_every_command_by_topic(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from fpctl.cli.app import COMMANDS

    out = root_help(cli, monkeypatch)

    sections = re.findall(r"^(\S[^:\n]*):\n((?:  \S.*\n)+)", out, flags=re.M)
    listed = {title: [row.split()[0] for row in rows.splitlines()] for title, rows in sections}
    assert {topic: listed[topic] for topic in TOPICS} == {
        topic: list(names) for topic, names in TOPICS.items()
    }
    assert sorted(name for names in TOPICS.values() for name in names) == sorted(COMMANDS)
    assert "Commands" not in listed
    assert max(len(line) for line in out.splitlines()) <= WIDTH


def test_the_root_names_the_main_options_the_environment_and_where_to_read_more(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    guide = root_help(cli, monkeypatch).split("Most used:")[1]

    for words in ("--as ACTOR", "-o FORMAT", "--db PATH", "README.md", "docs/commands.md"):
        assert words in guide
    for name in ("FPCTL_AS", "FPCTL_ACCOUNT", "FPCTL_REASON", "FPCTL_OUTPUT", "FPCTL_DB"):
        assert name in guide
    for name in ("FPCTL_DATABASE_URL", "FPCTL_NOW", "FPCTL_AGENT"):
        assert name in guide


# -- metavars ------------------------------------------------------------------------------

#: Click's names for a type, shown when a parameter names no metavar.
TYPE_NAMES = re.compile(r"<(str|text|int|integer|float|path|file|filename|uuid|boolean)>")


@pytest.mark.parametrize("path", LEAVES)
def test_metavars_read_as_words(path: str) -> None:
    help_text = rendered_help(path)
    usage = help_text.split("\n\n")[0]

    assert not TYPE_NAMES.search(help_text), path
    assert "{" not in usage and "}" not in usage, usage
    for param in LEAVES[path].params:
        if param.param_type_name == "argument":
            assert param.metavar and param.metavar == param.metavar.upper(), (path, param.name)


def test_shared_options_and_can_i_read_as_words() -> None:
    help_text = rendered_help("fpctl auth can-i")

    assert "Usage: fpctl auth can-i [OPTIONS] ACTION [TARGET]" in help_text
    assert "-o, --output FORMAT" in help_text
    assert "--reason TEXT" in help_text
    assert "Usage: fpctl order show [OPTIONS] ID\n" in rendered_help("fpctl order show")


# -- team invite --role --------------------------------------------------------------------


def test_invite_offers_only_the_roles_it_takes() -> None:
    command = LEAVES["fpctl team invite"]
    option = next(param for param in command.params if param.name == "role")
    ctx = typer.Context(command, info_name="invite")

    assert "--role <member|billing_manager>" in rendered_help("fpctl team invite")
    assert [item.value for item in option.shell_complete(ctx, "")] == [
        "member",
        "billing_manager",
    ]


def test_invite_still_takes_admin_to_refuse_it_clearly() -> None:
    ctx = parse(fpctl_words("fpctl team invite bea@acme.test --role admin"))
    assert str(ctx.params["role"]) == "admin"  # the service refuses it: invalid_role


def test_invite_names_the_roles_it_takes_for_an_unknown_one(cli: Cli) -> None:
    result = cli("team", "invite", "bea@acme.test", "--role", "owner")

    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "error: Invalid value for '--role': 'owner' is not one of 'member', 'billing_manager'."
    )


# -- messages ------------------------------------------------------------------------------


def test_completion_without_a_shell_names_the_shells_on_one_line(cli: Cli) -> None:
    result = cli("completion")

    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "error: Missing argument 'SHELL': choose bash, zsh or fish."
    )


def test_a_batch_of_one_says_one_command(cli: Cli, tmp_path: Any) -> None:
    source = tmp_path / "one.txt"
    source.write_text("db path\n")

    result = cli("batch", str(source))

    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "batch: 1 command done"
