"""Hostile input through every input and every output format (issue 11, "trust").

The corpus is ``tests/hostile.py``. For every free-text input of docs/commands.md, every
string either round-trips (the command's JSON gives back exactly what was stored: as given,
or trimmed where the field trims) or is refused with exit 2 (4 for support without a
visible reason) and a one-line error, changing nothing. Then every command that shows that
text is run in every output format: no traceback, no exit 1, and nothing a terminal would
act on (docs/decisions.md, "Control characters in output"). Identifiers, numbers, dates,
paths and files get the corpus of their kind.

Speed: the store holding every accepted string is built once per backend (``built_once``);
accepted strings go through ``fpctl batch`` (one transaction, a few ms a line), packed
several to a value up to the field's limit where a string means the same inside a longer
text ("plain": not blank, no surrounding space, short). Strings whose meaning depends on
being the whole value (blanks, lengths, surrounding space) go alone, and those a batch line
cannot hold (line breaks) as commands of their own.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from fpctl.render.output import Format
from tests import hostile
from tests.backends import sql
from tests.conftest import Cli, Outcome, built_once, changes_nothing
from tests.hostile import Hostile

ADA = "--as ada@acme.test"
LENA = "--as @lena"
SUPPORT = "--as support --reason setup --account acme"
#: Every output format fpctl has (table, json, ndjson, csv, tsv; wide and markdown where
#: they exist): the formats with content checks below are named, the others get the rule.
FORMATS = [fmt.value for fmt in Format]
TABLES = {"table", "wide"}
SEP = " | "  # between the strings packed into one value
JOINERS = 80  # invitations made for `team accept --name`

#: One value holding a bit of everything, for the fields shown one at a time (an account's
#: name, an order's requirements...): set last, so that every "show" renders it.
SAMPLE = (
    "=cmd|' /C calc'!A0 \x1b]0;PWNED\x07\x1b[2J\x9b2J\x1b]52;c;cHduZWQ=\x07"
    "\x1b]8;;http://evil.test\x1b\\link\x1b]8;;\x1b\\ \u202eevil\u2066iso\u2069 z\u200bw "
    "[bold red]x[/] <script>alert(1)</script>"
)


def argv(spec: str, **values: Any) -> list[str]:
    """``spec`` split on spaces, each word formatted with ``values``: a value stays one
    argument whatever it holds (``{v}`` in ``"--name {v}"``)."""
    return [word.format(**values) for word in spec.split()]


def options(args: list[str], *more: str) -> list[str]:
    """``args`` with ``more`` options added before a ``--`` (after it they are values)."""
    at = args.index("--") if "--" in args else len(args)
    return [*args[:at], *more, *args[at:]]


def _ok(cli: Cli, spec: str, **values: Any) -> Any:
    result = cli(*options(argv(spec, **values), "-o", "json"))
    assert result.exit_code == 0, (spec, result.stderr)
    return result.json


# -- the store every test starts from ------------------------------------------------------


@dataclass(frozen=True)
class World:
    """The ``shop`` store with an order in each state a text input needs."""

    open_order: int  # awaiting requirements: requirements, notes, comments, cancel-request
    delivered: int  # delivered with a revision left: revision
    completed: int  # completed: review, refund
    hourly: int  # hourly, in progress: hours log
    request: int  # an approval request (mia's order): reject
    tokens: tuple[str, ...]  # open invitations: team accept


def build_world(cli: Cli) -> World:
    def place(spec: str) -> int:
        return int(_ok(cli, f"order place --freelancer {spec} {ADA}")["id"])

    def complete(order: int, seller: str) -> None:
        _ok(cli, f"order requirements {order} brief {ADA}")
        _ok(cli, f"order deliver {order} --as {seller}")
        _ok(cli, f"order accept {order} {ADA}")

    open_order = place("lena --service 1")
    delivered = place("lena --service 1")
    _ok(cli, f"order requirements {delivered} brief {ADA}")
    _ok(cli, f"order deliver {delivered} {LENA}")
    completed = place("otto --service 2")
    complete(completed, "@otto")
    hourly = place("lena --hourly --rate 10 --weekly-limit 10 --estimate 8")
    _ok(cli, f"order requirements {hourly} brief {ADA}")
    complete(place("lena --amount 2500"), "@lena")  # 2,500 points for a donation
    _ok(cli, f"policy add order-approval --over 1 {ADA}")
    _ok(cli, "order place --freelancer otto --service 2 --as mia@acme.test")
    request = _ok(cli, "approvals list --account acme")[0]["id"]
    joiners = " ".join(f"joiner{n}@acme.test" for n in range(JOINERS))
    tokens = tuple(row["token"] for row in _ok(cli, f"team invite {joiners} {ADA}"))
    # The demo's first account: `demo seed` is then refused at once (exit 5), not run.
    _ok(cli, "account create Northwind --admin nw@hostile.test --slug northwind-traders")
    return World(open_order, delivered, completed, hourly, request, tokens)


@pytest.fixture
def world(cli: Cli, shop: Any, isolated_env: Path) -> World:
    return built_once("hostile-world", isolated_env, lambda: build_world(cli))


# -- what each free-text input does with a string --------------------------------------------


@dataclass(frozen=True)
class Stored:
    value: Any


@dataclass(frozen=True)
class Refused:
    exit_code: int


@dataclass(frozen=True)
class Duplicate:
    """The same as a value stored before it, where the field must be unique: exit 5."""


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Rule:
    """How a field takes text (domain/text.py and the services): its limit, whether it is
    trimmed, whether a blank is refused or kept (as given, or as no value)."""

    limit: int
    trimmed: bool = False
    required: bool = True
    clears: bool = False  # a blank value stores None
    visible: bool = False  # support's reason: visible text, else exit 4
    readable: bool = False  # a message: visible text, else exit 2 (stored as given)

    def outcome(self, text: str) -> Stored | Refused:
        if "\x00" in text or not _encodable(text):
            return Refused(2)
        if self.visible:
            if not hostile.visible(text):
                return Refused(4)
            return Refused(2) if len(text) > self.limit else Stored(text)
        if self.readable and not hostile.visible(text):
            return Refused(2)
        kept = text.strip() if self.trimmed else text
        if not text.strip():
            if self.required:
                return Refused(2)
            return Stored(None if self.clears else kept)
        return Refused(2) if len(kept) > self.limit else Stored(kept)


NAME = Rule(200, trimmed=True)
DETAIL = Rule(200, required=False)
BILLING = Rule(200, trimmed=True, required=False, clears=True)
ADDRESS = Rule(500, trimmed=True, required=False, clears=True)
DOCUMENT = Rule(10_000)
REVIEW = Rule(10_000, required=False, clears=True)
REASON = Rule(2_000)
OPTIONAL_REASON = Rule(2_000, required=False)
DESCRIPTION = Rule(2_000, trimmed=True)
SUPPORT_REASON = Rule(500, visible=True)
MESSAGE = Rule(10_000, readable=True)

#: A field the command's own JSON does not show: read after the batch (store, audit trail).
LATER = object()


@dataclass(frozen=True)
class TextInput:
    """Free-text inputs that one command line fills with the same value (``names``), that
    line (``{v}``: the value; ``{k}``: this input's running number, for slugs, emails and
    tokens; ``{w}``: the world), and where its JSON result holds each of them (``read``)."""

    names: tuple[str, ...]
    rule: Rule
    spec: str
    read: Callable[[Any], tuple[Any, ...]] | None
    rows: bool = False  # one string per row (lists show each in a cell of its own)
    dry_run: bool = False
    unique: bool = False  # one owner's values differ (case-folded): a second is exit 5

    def command(self, world: World, value: str, k: int) -> list[str]:
        """Options come first, positional values after ``--`` (so that ``--help`` or ``-``
        is text)."""
        token = world.tokens[k] if "{token}" in self.spec else ""
        args = argv(self.spec, v=value, k=k, w=world, token=token)
        return options(args, "--dry-run") if self.dry_run else args


TEXT_INPUTS = [
    TextInput(
        ("account create NAME", "account create --admin-name"),
        NAME,
        "account create --admin admin{k}@hostile.test --admin-name {v} --slug hostile-{k} -- {v}",
        lambda r: (r["name"], LATER),
    ),
    TextInput(
        ("account update --name",),
        NAME,
        f"account update --name {{v}} {ADA}",
        lambda r: (r["name"],),
    ),
    TextInput(
        ("account update --company", "account update --website", "account update --industry"),
        DETAIL,
        f"account update --company {{v}} --website {{v}} --industry {{v}} {ADA}",
        lambda r: (r["company"], r["website"], r["industry"]),
    ),
    TextInput(
        ("team accept --name",), NAME, "team accept {token} --name {v}", lambda r: (r["name"],)
    ),
    TextInput(
        ("freelancer add --name",),
        NAME,
        f"freelancer add named{{k}} --name {{v}} {SUPPORT}",
        lambda r: (r["name"],),
    ),
    TextInput(
        ("--reason (support)",),
        SUPPORT_REASON,
        "freelancer add reason{k} --as support --reason {v}",
        lambda r: (LATER,),  # in the audit trail
    ),
    TextInput(
        ("freelancer service add TITLE",),
        NAME,
        f"freelancer service add --price 1 {SUPPORT} -- lena {{v}}",
        lambda r: (r["title"],),
    ),
    TextInput(
        ("order place --milestone TITLE=AMOUNT",),
        NAME,
        f"order place --freelancer lena --milestone {{v}}=1 --milestone second=1 {ADA}",
        lambda r: (r["milestones"][0]["title"],),
        dry_run=True,
    ),
    TextInput(
        ("project create NAME",),
        NAME,
        f"project create {ADA} -- {{v}}",
        lambda r: (r["name"],),
        rows=True,
    ),
    TextInput(
        ("network list-create NAME",),
        NAME,
        f"network list-create {ADA} -- {{v}}",
        lambda r: (r["name"],),
        unique=True,
    ),
    TextInput(
        ("billing info set --full-name", "--company", "--country", "--tax-id"),
        BILLING,
        f"billing info set --full-name {{v}} --company {{v}} --country {{v}} --tax-id {{v}} {ADA}",
        lambda r: (r["full_name"], r["company"], r["country"], r["tax_id"]),
    ),
    TextInput(
        ("billing info set --address",),
        ADDRESS,
        f"billing info set --address {{v}} {ADA}",
        lambda r: (r["address"],),
    ),
    TextInput(
        ("order requirements TEXT",),
        DOCUMENT,
        f"order requirements {ADA} -- {{w.open_order}} {{v}}",
        lambda r: (r["requirements"],),
        dry_run=True,
    ),
    TextInput(
        ("order note TEXT",),
        DOCUMENT,
        f"order note {ADA} -- {{w.open_order}} {{v}}",
        lambda r: (r["text"],),
    ),
    TextInput(
        ("order comment TEXT",),
        DOCUMENT,
        f"order comment {ADA} -- {{w.open_order}} {{v}}",
        lambda r: (r["text"],),
    ),
    TextInput(
        ("inbox send TEXT",),
        MESSAGE,
        f"inbox send {ADA} -- @lena {{v}}",
        lambda r: (r["text"],),
    ),
    TextInput(
        ("order review --text",),
        REVIEW,
        f"order review {{w.completed}} --rating 3 --text {{v}} {ADA}",
        lambda r: (r["text"],),
        dry_run=True,
    ),
    TextInput(
        ("order cancel-request --reason",),
        REASON,
        f"order cancel-request {{w.open_order}} --reason {{v}} {ADA}",
        lambda r: (r["cancellation"]["reason"],),
        dry_run=True,
    ),
    TextInput(
        ("order revision --reason",),
        OPTIONAL_REASON,
        f"order revision {{w.delivered}} --reason {{v}} {ADA}",
        None,  # the order view does not show it (the audit trail does)
        dry_run=True,
    ),
    TextInput(
        ("order refund --reason (support)",),
        SUPPORT_REASON,
        "order refund {w.completed} --amount 0.01 --as support --reason {v} --account acme",
        None,
        dry_run=True,
    ),
    TextInput(
        ("approvals reject --reason",),
        OPTIONAL_REASON,
        f"approvals reject {{w.request}} --reason {{v}} {ADA}",
        lambda r: (r["reason"],),
        dry_run=True,
    ),
    TextInput(
        ("order hours log --description",),
        DESCRIPTION,
        f"order hours log {{w.hourly}} --week 2026-W44 --hours 1 --description {{v}} {LENA}",
        lambda r: (r["description"],),
        dry_run=True,
    ),
    TextInput(
        ("offer send --title",),
        NAME,
        f"offer send --account acme --amount 1 --days 1 --title {{v}} {LENA}",
        lambda r: (r["title"],),
        dry_run=True,
    ),
    TextInput(
        ("offer send --description",),
        REVIEW,
        f"offer send --account acme --amount 1 --days 1 --description {{v}} {LENA}",
        lambda r: (r["description"],),
        dry_run=True,
    ),
    TextInput(
        ("rewards redeem --charity",),
        Rule(200, trimmed=True),
        f"rewards redeem 2500 --for donation --charity {{v}} {ADA}",
        lambda r: (r["charity"],),
        dry_run=True,
    ),
]
INPUT_NAMES = [name for text_input in TEXT_INPUTS for name in text_input.names]


# -- cases: which value goes where ---------------------------------------------------------


@dataclass
class Case:
    input: TextInput
    items: list[Hostile]  # one string, or several packed into the value
    value: str
    k: int
    expected: Stored | Refused | Duplicate

    @property
    def label(self) -> str:
        names = ", ".join(item.label for item in self.items)
        return f"{self.input.names[0]} <- [{names}]"

    @property
    def batchable(self) -> bool:
        return not hostile.breaks_a_line(self.value) and len(self.value) < 60_000


def _plain(item: Hostile) -> bool:
    """Means the same inside a longer text: not blank, no surrounding space, short."""
    text = item.text
    return item in hostile.TEXT and bool(text) and text == text.strip() and len(text) <= 200


def _packs(items: list[Hostile], limit: int) -> list[list[Hostile]]:
    packs: list[list[Hostile]] = []
    for item in items:
        if packs and len(SEP.join(i.text for i in [*packs[-1], item])) <= limit:
            packs[-1].append(item)
        else:
            packs.append([item])
    return packs


def cases_of(text_input: TextInput) -> list[Case]:
    """Plain strings packed (or one a row), those with line breaks packed together, the
    rest alone; each with what the field must do with it."""
    strings = [*hostile.TEXT, *hostile.UNREADABLE]
    plain = [i for i in strings if _plain(i) and not hostile.breaks_a_line(i.text)]
    breaking = [i for i in strings if _plain(i) and hostile.breaks_a_line(i.text)]
    groups = [[i] for i in plain] if text_input.rows else _packs(plain, text_input.rule.limit)
    groups += [breaking, *([i] for i in strings if not _plain(i))]
    values = [SEP.join(item.text for item in group) for group in groups]
    cases = [
        Case(text_input, group, value, k, text_input.rule.outcome(value))
        for k, (group, value) in enumerate(zip(groups, values, strict=True))
    ]
    seen = set()
    for case in sorted(cases, key=lambda c: not c.batchable):  # the order plant() runs them
        if text_input.unique and isinstance(case.expected, Stored):
            key = str(case.expected.value).casefold()
            if key in seen:
                case.expected = Duplicate()
            seen.add(key)
    return cases


# -- running them --------------------------------------------------------------------------


@dataclass
class Findings:
    """Every problem found, so that one run names them all (not only the first)."""

    problems: list[str] = field(default_factory=list)

    def add(self, where: str, problem: str) -> None:
        self.problems.append(f"{where}: {problem}")

    def assert_none(self) -> None:
        shown = "\n".join(self.problems[:60])
        more = f"\n... and {len(self.problems) - 60} more" if len(self.problems) > 60 else ""
        assert not self.problems, f"{len(self.problems)} problems:\n{shown}{more}"


def safe(findings: Findings, where: str, result: Outcome) -> None:
    """No traceback, no internal error, nothing a terminal would act on, on either stream."""
    if result.exit_code == 1:
        findings.add(where, f"exit 1: {result.stderr.strip()[:300]}")
    if "Traceback" in result.stderr + result.stdout:
        findings.add(where, "a traceback")
    for stream, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        if raw := hostile.interpreted(text):
            findings.add(where, f"raw {sorted(set(raw))} on {stream}")


def one_line_error(findings: Findings, where: str, result: Outcome) -> None:
    """`error: MESSAGE`, maybe `hint: ...` and the JSON error, nothing on stdout: never a
    second `error:` line forged by a newline in the value."""
    lines = result.stderr.splitlines()
    if not lines or not lines[0].startswith("error: "):
        findings.add(where, f"no error line: {result.stderr[:200]!r}")
    elif any(not line.startswith(("hint: ", '{"error"')) for line in lines[1:]):
        findings.add(where, f"an error of more than one line: {result.stderr[:300]!r}")
    if result.stdout:
        findings.add(where, f"stdout of a refused command: {result.stdout[:100]!r}")


def run_batch(cli: Cli, lines: list[tuple[Case, list[str]]], findings: Findings) -> dict[int, Any]:
    """The lines as one `fpctl batch -o json`; a failing line is reported and left out,
    and the others run again. Returns each case's result, by ``id(case)``."""
    pending = list(lines)
    for _ in range(40):
        text = "\n".join(shlex.join(args) for _, args in pending)
        result = cli("batch", "-", "-o", "json", input=text)
        safe(findings, "batch", result)
        if result.exit_code == 0:
            rows = result.json
            return {id(case): row["result"] for (case, _), row in zip(pending, rows, strict=True)}
        number = result.error.get("line")
        if not isinstance(number, int) or not 1 <= number <= len(pending):
            findings.add("batch", f"exit {result.exit_code}: {result.stderr[:300]}")
            return {}
        case, _ = pending.pop(number - 1)
        findings.add(case.label, f"refused in a batch: {result.error['message'][:300]}")
    findings.add("batch", "too many failing lines")
    return {}


def check_stored(findings: Findings, case: Case, result: Any) -> None:
    read = case.input.read
    if read is None or not isinstance(case.expected, Stored):
        return
    for name, got in zip(case.input.names, read(result), strict=True):
        if got is not LATER and got != case.expected.value:
            findings.add(f"{name} <- {case.label}", f"stored {got!r:.120}")


@dataclass
class Planted:
    """What planting the corpus found, and where SAMPLE went."""

    findings: Findings
    cases: list[Case]
    sample_order: int  # placed with SAMPLE as its milestones' titles
    sample_project: int
    sample_list: int
    sample_offer: int  # SAMPLE as its title, description and decline reason


def plant(cli: Cli, world: World) -> Planted:
    """Every accepted value of every text input, then SAMPLE in every shown field."""
    findings = Findings()
    every = [case for text_input in TEXT_INPUTS for case in cases_of(text_input)]
    stored = [c for c in every if isinstance(c.expected, Stored)]
    lines = [(c, c.input.command(world, c.value, c.k)) for c in stored if c.batchable]
    results = run_batch(cli, lines, findings)
    for case, _ in lines:
        if id(case) in results:
            check_stored(findings, case, results[id(case)])
    for case in stored:
        if not case.batchable:
            result = cli(*options(case.input.command(world, case.value, case.k), "-o", "json"))
            safe(findings, case.label, result)
            if result.exit_code != 0:
                findings.add(case.label, f"exit {result.exit_code}: {result.stderr[:200]}")
            else:
                check_stored(findings, case, result.json)
    for case in every:
        if isinstance(case.expected, Duplicate):
            result = cli(*options(case.input.command(world, case.value, case.k), "-o", "json"))
            safe(findings, case.label, result)
            one_line_error(findings, case.label, result)
            if result.exit_code != 5:
                findings.add(case.label, f"a duplicate, but exit {result.exit_code}")
    _check_read_later(cli, every, findings)
    return Planted(findings, every, *_plant_sample(cli, world))


def _check_read_later(cli: Cli, every: list[Case], findings: Findings) -> None:
    """What the commands' own JSON does not show: the admin's name (in the store) and
    support's reason (in the audit trail)."""
    names = dict(sql("SELECT email, name FROM member WHERE email LIKE ?", "admin%@hostile.test"))
    trail = _ok(cli, "audit list --action freelancer.add")
    reasons = {row["target"].rpartition("@")[2]: row["reason"] for row in trail}
    for case in every:
        if not isinstance(case.expected, Stored):
            continue
        if case.input is TEXT_INPUTS[0]:
            got = names.get(f"admin{case.k}@hostile.test")
        elif case.input.rule is SUPPORT_REASON and case.input.read is not None:
            got = reasons.get(f"reason{case.k}")
        else:
            continue
        if got != case.expected.value:
            findings.add(case.label, f"stored {got!r:.120}")


def _plant_sample(cli: Cli, w: World) -> tuple[int, int, int, int]:
    """SAMPLE in every field shown one at a time, through real changes."""
    s = {"s": SAMPLE}
    _ok(
        cli,
        f"account update --name {{s}} --company {{s}} --website {{s}} --industry {{s}} {ADA}",
        **s,
    )
    _ok(cli, "billing info set --full-name {s} --company {s} --address {s} --country {s} "
             f"--tax-id {{s}} {ADA}", **s)  # fmt: skip
    order = _ok(
        cli, f"order place --freelancer lena --milestone {{s}}=10 --milestone {{s}}!=10 {ADA}", **s
    )
    _ok(cli, f"order requirements {ADA} -- {w.open_order} {{s}}", **s)
    _ok(cli, f"order revision {w.delivered} --reason {{s}} {ADA}", **s)
    _ok(cli, f"order deliver {w.delivered} {LENA}")
    _ok(cli, f"order cancel-request {w.delivered} --reason {{s}} {ADA}", **s)
    _ok(cli, f"order review {w.completed} --rating 1 --text {{s}} {ADA}", **s)
    _ok(
        cli,
        f"order refund {w.completed} --amount 0.01 --as support --reason {{s}} --account acme",
        **s,
    )
    _ok(cli, f"approvals reject {w.request} --reason {{s}} {ADA}", **s)
    _ok(
        cli, f"order hours log {w.hourly} --week 2026-W44 --hours 1 --description {{s}} {LENA}", **s
    )
    _ok(cli, f"rewards redeem 2500 --for donation --charity {{s}} {ADA}", **s)
    offer = "offer send --account acme --amount 1 --days 1 --title {s} --description {s}"
    offered = _ok(cli, f"{offer} {LENA}", **s)["id"]
    _ok(cli, f"offer decline {offered} --reason {{s}} {ADA}", **s)
    _ok(cli, "freelancer add sample --name {s} --as support --reason {s}", **s)
    project = _ok(cli, f"project create {ADA} -- {{s}}", **s)["id"]
    listed = _ok(cli, f"network list-create {ADA} -- {{s}}", **s)["id"]
    _ok(cli, f"network list-add {listed} sample {ADA}")
    _ok(cli, f"network list-add {listed} 1 {ADA}")
    _ok(cli, f"team accept {w.tokens[-1]} --name {{s}}", **s)
    return order["id"], project, listed, offered


@pytest.fixture
def planted(cli: Cli, world: World, isolated_env: Path) -> Planted:
    return built_once("hostile-planted", isolated_env, lambda: plant(cli, world))


# -- free text in --------------------------------------------------------------------------


def test_every_text_input_stores_the_corpus_exactly(planted: Planted) -> None:
    """Every accepted string (alone, or packed with others up to the field's limit) comes
    back exactly: as given, or trimmed where the field trims."""
    assert len(hostile.TEXT) >= 200 and len(hostile.CORPUS) >= 300 and len(INPUT_NAMES) >= 25
    planted.findings.assert_none()
    for text_input in TEXT_INPUTS:
        given = {item.label for c in planted.cases if c.input is text_input for item in c.items}
        assert given == {item.label for item in [*hostile.TEXT, *hostile.UNREADABLE]}


def test_refused_text_is_exit_2_and_changes_nothing(cli: Cli, world: World) -> None:
    """Blank where text is needed, over the field's limit, NUL, not UTF-8: exit 2 (support
    with no visible words: exit 4), one error line, nothing on stdout, nothing changed;
    the error printed in every output format in turn."""
    findings = Findings()
    for text_input in TEXT_INPUTS:
        refused = [c for c in cases_of(text_input) if isinstance(c.expected, Refused)]
        with changes_nothing():
            for number, case in enumerate(refused):
                fmt = FORMATS[number % len(FORMATS)]
                result = cli(*options(case.input.command(world, case.value, case.k), "-o", fmt))
                safe(findings, case.label, result)
                one_line_error(findings, case.label, result)
                assert isinstance(case.expected, Refused)
                if result.exit_code != case.expected.exit_code:
                    findings.add(case.label, f"exit {result.exit_code}: {result.stderr[:200]}")
    findings.assert_none()


# -- free text out -------------------------------------------------------------------------


def views(w: World, planted: Planted) -> list[str]:
    """Every command that shows stored free text (machine formats show every row, tables
    the first 50)."""
    acme = "--account acme"
    return [
        "account list",
        "account show acme",
        f"team list {acme}",
        "team list --account hostile-0",
        f"team invitations {acme}",
        "freelancer list",
        f"freelancer show lena {acme}",
        f"freelancer show otto {acme}",
        "freelancer show sample",
        f"order list {acme}",
        f"order show {w.open_order} {acme}",
        f"order show {w.delivered} {acme}",
        f"order show {w.completed} {acme}",
        f"order show {planted.sample_order} {acme}",
        f"order next {w.delivered} {acme}",
        f"order notes {w.open_order} {ADA}",
        f"order comments {w.open_order} {acme}",
        f"order milestone list {planted.sample_order} {acme}",
        f"order hours list {w.hourly} {acme}",
        f"inbox list {acme}",
        f"inbox list {LENA}",
        f"inbox show 1 {acme}",
        f"inbox show 1 {LENA}",
        f"project list {acme}",
        f"project show {planted.sample_project} {acme}",
        f"network lists {ADA}",
        f"network list-show {planted.sample_list} {ADA}",
        f"network list {ADA}",
        f"billing show {acme}",
        f"billing info show {acme}",
        f"billing invoices {acme}",
        f"billing invoice 1 {acme}",
        f"billing ledger {acme}",
        f"approvals list {acme}",
        f"offer list {acme}",
        f"offer show {planted.sample_offer} {acme}",
        f"rewards history {acme}",
        f"audit list {acme}",
        "audit list --action freelancer.add",
    ]


def _cells(output: str, fmt: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output), delimiter="," if fmt == "csv" else "\t"))


def test_every_view_renders_the_corpus_safely_in_every_format(
    cli: Cli, world: World, planted: Planted
) -> None:
    """JSON and NDJSON one command at a time (each document parsed); then every format
    through one `fpctl batch` each, which prints each line's output as the command alone
    would (JSON and NDJSON: as one document for the batch)."""
    findings = Findings()
    for spec in views(world, planted):
        for fmt in ("json", "ndjson"):
            where = f"{spec} -o {fmt}"
            result = cli(*argv(spec), "-o", fmt)
            safe(findings, where, result)
            if result.exit_code != 0:
                findings.add(where, f"exit {result.exit_code}: {result.stderr[:200]}")
            elif fmt == "json":
                json.loads(result.stdout)
            else:
                for line in result.stdout.splitlines():
                    json.loads(line)
    script = "\n".join(views(world, planted))
    for fmt in FORMATS:
        result = cli("batch", "-", "-o", fmt, input=script)
        safe(findings, f"the views -o {fmt}", result)
        if result.exit_code != 0:
            findings.add(f"the views -o {fmt}", f"exit {result.exit_code}: {result.stderr[:300]}")
    findings.assert_none()


def test_each_string_in_a_cell_of_its_own(cli: Cli, planted: Planted) -> None:
    """A project per string: JSON gives each back exactly; CSV and TSV escape each control
    as \\uXXXX and quote a formula; a table drops them and prints markup as typed."""
    for fmt in FORMATS:
        _each_string_in_a_cell(cli, planted, fmt)


def _each_string_in_a_cell(cli: Cli, planted: Planted, fmt: str) -> None:
    names = [
        c.expected.value
        for c in planted.cases
        if c.input.names == ("project create NAME",) and isinstance(c.expected, Stored)
    ]
    listed = cli("project", "list", "--account", "acme", "--all", "-o", fmt)
    assert listed.exit_code == 0, listed.stderr
    assert hostile.interpreted(listed.stdout) == []
    if fmt == "json":
        assert {p["name"] for p in listed.json} >= set(names)
    elif fmt == "ndjson":
        assert {json.loads(line)["name"] for line in listed.stdout.splitlines()} >= set(names)
    elif fmt in ("csv", "tsv"):
        cells = {row["name"] for row in _cells(listed.stdout, fmt)}
        assert [name for name in names if hostile.in_cell(name) not in cells] == []
        assert "'=cmd|' /C calc'!A0" in cells
        assert "T\\u001b]0;PWNED\\u0007\\u001b[2J" in listed.stdout
        assert "bid\\u202ei" in cells
    elif fmt in TABLES:
        assert "[bold red]x[/]" in listed.stdout
        assert "[link=http://evil.test]click[/link]" in listed.stdout


def test_a_shown_object_keeps_every_character_it_can(cli: Cli, planted: Planted) -> None:
    """The account's name is SAMPLE: JSON has it whole (escaped by JSON's grammar), CSV
    escaped and guarded, a table without what a terminal acts on and with markup as typed."""
    for fmt in FORMATS:
        _shown_object(cli, fmt)


def _shown_object(cli: Cli, fmt: str) -> None:
    shown = cli("account", "show", "acme", "-o", fmt)
    assert shown.exit_code == 0, shown.stderr
    if fmt in ("json", "ndjson"):
        assert json.loads(shown.stdout)["name"] == SAMPLE
        assert "\\u001b]0;PWNED\\u0007" in shown.stdout and "\\u009b2J" in shown.stdout
    elif fmt in ("csv", "tsv"):
        assert _cells(shown.stdout, fmt)[0]["name"] == hostile.in_cell(SAMPLE)
    elif fmt in TABLES:
        assert hostile.in_table(SAMPLE) in shown.stdout


def test_exported_invoices_are_safe(cli: Cli, planted: Planted, tmp_path: Path) -> None:
    """The index is CSV like stdout's; each HTML document escapes markup and drops controls."""
    out = tmp_path / "out"
    exported = cli("billing", "invoices", "--account", "acme", "--export", out)
    assert exported.exit_code == 0, exported.stderr
    index = (out / "invoices.csv").read_text(encoding="utf-8").replace("\r\n", "\n")
    assert hostile.interpreted(index) == []
    assert hostile.in_cell(SAMPLE) in index  # the billed-to snapshot
    pages = [page.read_text(encoding="utf-8") for page in sorted(out.glob("invoice-*.html"))]
    assert pages
    assert all(hostile.interpreted(p.replace("\r\n", "\n")) == [] for p in pages)
    assert all("<script>" not in page for page in pages)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in page for page in pages)


# -- identifiers: emails, slugs, usernames, tokens, actions ---------------------------------


def labelled(*labels: str) -> list[Hostile]:
    found = {item.label: item for item in hostile.CORPUS}
    return [found[label] for label in labels]


#: One of each kind of hostile string, for one input of each kind of identifier.
PROBES = labelled(
    "terminal: everything at once",
    "C1 0x9b",
    "bidi: RLO file name",
    "invisible: zero-width space",
    "rich markup: link",
    "injection: SQL quote",
    "injection: newline injection",
    "injection: option look-alike",
    "blank: empty",
    "length: a million characters",
    "unreadable: NUL inside",
    "unreadable: invalid UTF-8 in argv",
    "number: 10^20",
    "number: Arabic-Indic 123",
)
#: For every other identifier input: escapes, and what made some input fail another way (a
#: forged error line, a LIKE pattern too long, a NUL, bytes that are not UTF-8).
FEW = labelled(
    "terminal: everything at once",
    "injection: newline injection",
    "length: document limit + 1 (10,001)",
    "unreadable: NUL inside",
    "unreadable: invalid UTF-8 in argv",
)


@dataclass(frozen=True)
class Line:
    """A command line, ``{v}`` where the hostile value goes (``{w}``: the world). A change
    runs as a dry run: then only a refusal could change the store, and it must not."""

    spec: str
    writes: bool = True
    takes: Callable[[str], bool] | None = None  # what it parses, when not its kind's rule

    def filled(self, value: str, world: World, fmt: str = "json") -> list[str]:
        args = argv(self.spec, v=value, w=world)
        args = options(args, "--dry-run") if self.writes else args
        return args if "-o" in args else options(args, "-o", fmt)

    @property
    def name(self) -> str:
        return " ".join(word for word in self.spec.split()[:5] if not word.startswith("-"))


def read(spec: str, takes: Callable[[str], bool] | None = None) -> Line:
    return Line(spec, writes=False, takes=takes)


change = Line

#: Inputs that name something, one of each kind: an email, a slug, a username, a token,
#: an action, an actor, a status, an output format. They take every probe.
KINDS = [
    change(f"team deactivate {ADA} -- {{v}}"),
    read("account show {v}"),
    read("freelancer show -- {v}"),
    change("team accept --name Probe -- {v}"),
    read(f"auth can-i {ADA} -- {{v}}"),
    read("audit list --actor {v} --account acme"),
    read(f"order list --status {{v}} {ADA}"),
    read("account list -o {v}"),
]
#: Every other input that names something takes FEW.
LOOKUPS = [
    read("order list --account {v}"),
    change("account create Probe --admin {v} --slug probe"),
    change("account create Probe --admin probe@hostile.test --slug {v}"),
    change(f"team invite {ADA} -- {{v}}"),
    change(f"team withdraw {ADA} -- {{v}}"),
    change(f"team resend {ADA} -- {{v}}"),
    change(f"team reactivate {ADA} -- {{v}}"),
    change(f"team remove --yes {ADA} -- {{v}}"),
    change(f"role set {ADA} -- {{v}} member"),
    change(f"policy add purchase-limit --amount 10 --per order --member {{v}} {ADA}"),
    change(f"freelancer add {SUPPORT} -- {{v}}"),
    change(f"freelancer service add --price 1 {SUPPORT} -- {{v}} Probe"),
    change(f"order place --freelancer {{v}} --service 1 {ADA}"),
    read(f"order list --placed-by {{v}} {ADA}"),
    read(f"order list --freelancer {{v}} {ADA}"),
    change(f"project add-member {ADA} -- 1 {{v}}"),
    change(f"network save {ADA} -- {{v}}"),
    change(f"network list-add {ADA} -- 1 {{v}}"),
    change(f"network list-share 1 --member {{v}} {ADA}"),
    change(f"network list-share 1 --account {{v}} {ADA}"),
    change(f"billing payment-method add --paypal {{v}} {ADA}"),
    change(f"billing payment-method add --card {{v}} --expiry 12/30 {ADA}"),
    change(f"billing payment-method add --card 4242424242424242 --expiry {{v}} {ADA}"),
    read("project list --as {v}"),
    change("project create Probe --as {v}"),
    change("project create Probe --as support --reason r --account {v}"),
    read("audit list --action {v} --account acme"),
    read("audit verify --expect {v}"),
    read(f"auth can-i {ADA} -- order.show {{v}}"),
]


def probe(cli: Cli, world: World, lines: Iterable[Line], items: Sequence[Hostile]) -> Findings:
    """Every item through every line: never exit 1 nor a raw control, a one-line error
    when refused, and the store unchanged (changes are dry runs)."""
    findings = Findings()
    with changes_nothing():
        for line in lines:
            for number, item in enumerate(items):
                result = cli(*line.filled(item.text, world, FORMATS[number % len(FORMATS)]))
                where = f"{line.name} <- {item.label}"
                safe(findings, where, result)
                if result.exit_code not in (0, 6):  # 6: a bulk report, a row per item
                    one_line_error(findings, where, result)
    return findings


def on(backend: str, every: Sequence[Hostile], few: Sequence[Hostile]) -> Sequence[Hostile]:
    """Every item on SQLite; on PostgreSQL only ``few``, to which callers add the values
    that parse (those reach the server): a refusal before the store is the same on both."""
    return every if backend == "sqlite" else few


def test_identifiers_take_hostile_text_without_a_crash(
    cli: Cli, world: World, backend: str
) -> None:
    findings = probe(cli, world, KINDS, on(backend, PROBES, FEW))
    findings.problems += probe(cli, world, LOOKUPS, FEW).problems
    findings.assert_none()


def test_invite_takes_the_whole_text_corpus_as_emails(
    cli: Cli, world: World, tmp_path: Path
) -> None:
    """Every string at once as an email: each row fails on its own (exit 6), in every
    format, from the command line or from a file in turn; nothing is invited."""
    emails = [i.text for i in hostile.TEXT if i.text.strip() and len(i.text) <= 10_000]
    listed = tmp_path / "emails.txt"
    listed.write_text("\n".join(e for e in emails if not hostile.breaks_a_line(e)))
    findings = Findings()
    sources = (["--", *emails], ["--from-file", str(listed)])
    with changes_nothing():
        for number, fmt in enumerate(FORMATS):  # the two sources in turn
            result = cli("team", "invite", *argv(ADA), "-o", fmt, *sources[number % 2])
            safe(findings, f"team invite -o {fmt}", result)
            if result.exit_code != 6:
                findings.add(f"team invite -o {fmt}", f"exit {result.exit_code}")
    findings.assert_none()


# -- numbers, dates ------------------------------------------------------------------------

_AMOUNT = re.compile(r"^\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$", re.ASCII)


def _points(text: str) -> bool:
    return bool(re.fullmatch(r"\d{1,15}|\d{1,3}(,\d{3}){1,4}", text.strip(), re.ASCII))


def _python_int(text: str) -> bool:
    """What Python's int() reads (--seed is a seed, not a count: any int)."""
    try:
        int(text)
    except ValueError:
        return False
    return True


def _whole(text: str) -> bool:
    return text.strip().isascii() and text.strip().isdigit()


def _amount(text: str) -> bool:
    return bool(_AMOUNT.match(text.strip()))


NUMBER_FEW = labelled(
    "number: 2^31",
    "number: 2^63",
    "number: 10^20",
    "number: 5,000 digits",
    "number: -1",
    "number: 1e3",
    "number: 1_000",
    "number: Arabic-Indic 123",
    "number: full-width 2",
)

#: Ids and counts: ASCII digits only, within bounds (docs/decisions.md).
WHOLE_NUMBERS = [
    read(f"order show {ADA} -- {{v}}"),
    change(f"order requirements {ADA} -- {{v}} brief"),
    change(f"order cancel --yes {ADA} -- {{v}}"),
    change(f"order comment {{w.open_order}} hi --reply-to {{v}} {ADA}"),
    read(f"order list --project {{v}} {ADA}"),
    change(f"order place --freelancer lena --service {{v}} {ADA}"),
    change(f"order place --freelancer lena --service 1 --quantity {{v}} {ADA}"),
    change(f"order place --freelancer lena --service 1 --project {{v}} {ADA}"),
    change(
        f"order place --freelancer lena --hourly --rate 10 --weekly-limit {{v}} --estimate 8 {ADA}"
    ),
    change(f"order place --freelancer lena --hourly --rate 10 --estimate {{v}} {ADA}"),
    change(f"order hours limit {{w.hourly}} --hours {{v}} {ADA}"),
    change(f"order review {{w.completed}} --rating {{v}} {ADA}"),
    change(f"approvals approve {ADA} -- {{v}}"),
    change(f"policy remove --yes {ADA} -- {{v}}"),
    read(f"project show {ADA} -- {{v}}"),
    read(f"network list-show {ADA} -- {{v}}"),
    read(f"billing invoice {ADA} -- {{v}}"),
    read(f"billing invoices --order {{v}} {ADA}"),
    change(f"billing payment-method default {ADA} -- {{v}}"),
    change(f"freelancer service add lena Probe --price 1 --revisions {{v}} {SUPPORT}"),
    read(f"team list --limit {{v}} {ADA}"),
    Line(f"rewards redeem --for credits {ADA} -- {{v}}", takes=_points),
    change("demo seed --accounts {v} --members 7 --orders 0"),
    change("demo seed --members {v} --accounts 1 --orders 0"),
    change("demo seed --orders {v} --accounts 1 --members 7"),
    Line("demo seed --seed {v} --accounts 1 --members 7 --orders 0", takes=_python_int),
]
#: Amounts (SPEC 3.7: 1234, 1234.5, $1,234.50): two inputs take every number, the others
#: (hours take two decimals at most too) NUMBER_FEW.
AMOUNT_KINDS = [
    change(f"billing deposit {ADA} -- {{v}}"),
    change(f"order place --freelancer lena --amount {{v}} {ADA}"),
]
AMOUNTS = [
    change(f"order place --freelancer lena --milestone a={{v}} --milestone b=1 {ADA}"),
    change(f"order place --freelancer lena --hourly --rate {{v}} --estimate 8 {ADA}"),
    change("order refund {w.completed} --amount {v} --as support --reason r --account acme"),
    change(f"freelancer service add lena Probe --price {{v}} {SUPPORT}"),
    change(f"policy add order-approval --over {{v}} {ADA}"),
    change(f"policy add purchase-limit --amount {{v}} --per order {ADA}"),
    change(f"order hours log {{w.hourly}} --week 2026-W44 --hours {{v}} --description d {LENA}"),
]


def judged(
    cli: Cli,
    world: World,
    lines: Iterable[Line],
    items: Sequence[Hostile],
    *,
    takes: Callable[[str], bool],
    findings: Findings,
) -> None:
    """``probe``, and what the input cannot take is exit 2 and changes nothing. (What it
    takes may change the store even in a dry run: a clock far ahead settles what fell due.)"""
    for line in lines:
        parses = line.takes or takes
        refused = [item for item in items if not parses(item.text)]
        with changes_nothing():
            for item in refused:
                result = cli(*line.filled(item.text, world))
                where = f"{line.name} <- {item.label}"
                safe(findings, where, result)
                one_line_error(findings, where, result)
                if result.exit_code != 2:
                    findings.add(where, f"not what it takes, but exit {result.exit_code}")
        for item in items:
            if item not in refused:
                result = cli(*line.filled(item.text, world))
                where = f"{line.name} <- {item.label}"
                safe(findings, where, result)
                if result.exit_code != 0:
                    one_line_error(findings, where, result)


def test_numbers_never_crash_and_take_ascii_digits_only(
    cli: Cli, world: World, backend: str
) -> None:
    """An id or count that is not ASCII digits, an amount that is not one (sign, exponent,
    NaN, more than two decimals): exit 2. A number that parses goes on to the command's own
    rules (exit 0 in a dry run, 2 out of range, 3, 4 or 5). Never exit 1. On PostgreSQL:
    every number that parses (those reach the server) and NUMBER_FEW."""
    findings = Findings()
    for lines, takes in ((WHOLE_NUMBERS, _whole), (AMOUNT_KINDS, _amount)):
        for line in lines:
            parsed = [i for i in hostile.NUMBERS if (line.takes or takes)(i.text)]
            items = on(backend, hostile.NUMBERS, [*NUMBER_FEW[:3], *parsed])
            judged(cli, world, [line], items, takes=takes, findings=findings)
    judged(cli, world, AMOUNTS, NUMBER_FEW, takes=_amount, findings=findings)
    findings.assert_none()


def _instant(text: str) -> bool:
    """An ISO-8601 date or time (Z for UTC) within the years 1970 to 9000."""
    from datetime import datetime

    cleaned = text.strip()
    cleaned = cleaned[:-1] + "+00:00" if cleaned.endswith(("Z", "z")) else cleaned
    try:
        return 1970 <= datetime.fromisoformat(cleaned).year <= 9000
    except ValueError:
        return False


DATES = [
    read("account show acme --now {v}"),
    change(f"team invite probe@acme.test --now {{v}} {ADA}"),
    change("tick --now {v}"),
    change(f"order place --freelancer lena --service 1 --due {{v}} {ADA}"),
    read("audit list --account acme --since {v}", takes=lambda t: t == "" or _instant(t)),
]
DATE_FEW = labelled("date: year 0", "date: garbage", "date: ESC in a date", "date: ISO week")
WEEK = change(f"order hours log {{w.hourly}} --week {{v}} --hours 1 --description d {LENA}")


def _with_env(cli: Cli, env: dict[str, str], *args: str) -> Outcome:
    import os

    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        return cli(*args, "-o", "json")
    finally:
        for name, value in saved.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def test_dates_take_iso_8601_within_the_years_fpctl_computes(
    cli: Cli, world: World, backend: str
) -> None:
    """Not ISO-8601, or outside 1970-9000: exit 2 (an ISO week for hours: 2026-W44). On
    PostgreSQL: the dates that parse and DATE_FEW."""
    findings = Findings()
    dates = on(backend, hostile.DATES, [*DATE_FEW, *(i for i in hostile.DATES if _instant(i.text))])
    judged(cli, world, DATES, dates, takes=_instant, findings=findings)
    judged(cli, world, [WEEK], dates, takes=lambda t: t == "2026-W44", findings=findings)
    for item in dates:  # the environment's clock, like --now ("": no clock set)
        result = _with_env(cli, {"FPCTL_NOW": item.text}, "account", "show", "acme")
        safe(findings, f"FPCTL_NOW <- {item.label}", result)
        if item.text and not _instant(item.text) and result.exit_code != 2:
            findings.add(f"FPCTL_NOW <- {item.label}", f"exit {result.exit_code}")
    findings.assert_none()


def test_the_environment_takes_hostile_text_like_the_options(
    cli: Cli, world: World, backend: str
) -> None:
    """FPCTL_AS, FPCTL_ACCOUNT, FPCTL_OUTPUT, FPCTL_REASON and FPCTL_AGENT: never a crash;
    text that is not UTF-8 (no environment holds a NUL) is exit 2."""
    findings = Findings()
    with changes_nothing():
        for name in ("FPCTL_AS", "FPCTL_ACCOUNT", "FPCTL_OUTPUT", "FPCTL_REASON", "FPCTL_AGENT"):
            for item in (i for i in on(backend, PROBES, FEW) if "\x00" not in i.text):
                env = {"FPCTL_REASON": "r", name: item.text}
                support = name in ("FPCTL_REASON", "FPCTL_AGENT")
                spec = (
                    "freelancer add envprobe --as support --dry-run" if support else "project list"
                )
                result = _with_env(cli, env if support else {name: item.text}, *argv(spec))
                safe(findings, f"{name} <- {item.label}", result)
                if not _encodable(item.text) and result.exit_code != 2:
                    findings.add(f"{name} <- {item.label}", f"exit {result.exit_code}")
    findings.assert_none()


# -- paths and files -----------------------------------------------------------------------

#: Commands that take a path. A system path is given only where fpctl refuses it before
#: writing (an existing file is never replaced without --yes; an export needs a folder);
#: every other path resolves inside the test's own folder.
PATHS = [
    read("billing invoices --account acme --export {v}"),
    read("db backup -- {v}"),  # a real backup, written into the sandbox
    change("db restore -- {v}"),
    change("batch -- {v}"),
    change(f"team invite {ADA} --from-file {{v}}"),
]
#: --db and db copy --to open a store where they point: given sandbox paths only.
STORE_PATHS = [read("account list --db {v}"), change("db copy --to {v}")]


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder for path tests, three levels down: `../../x` stays inside."""
    here = tmp_path / "sandbox" / "a" / "b"
    here.mkdir(parents=True)
    (here / "plain.txt").write_text("not a store\n")
    monkeypatch.chdir(here)
    return tmp_path / "sandbox"


def test_paths_never_crash_and_write_only_where_they_point(
    cli: Cli, world: World, sandbox: Path
) -> None:
    before = {*Path("/").iterdir(), *Path("/dev").iterdir(), *Path("/etc").iterdir()}
    probe(cli, world, PATHS, [*hostile.PATHS, *hostile.UNREADABLE]).assert_none()
    assert {*Path("/").iterdir(), *Path("/dev").iterdir(), *Path("/etc").iterdir()} == before
    assert (sandbox / "escaped").exists()  # ../../escaped, from sandbox/a/b


@pytest.mark.sqlite_only  # FPCTL_DATABASE_URL overrides --db
def test_store_paths_never_crash(cli: Cli, world: World, sandbox: Path) -> None:
    local = [i for i in hostile.PATHS if not i.text.startswith(("/", "../../../", "file:"))]
    local += [Hostile("path: a file that is no store", "plain.txt")]
    probe(cli, world, STORE_PATHS, [*local, *hostile.UNREADABLE]).assert_none()


@pytest.mark.parametrize("bad", hostile.BAD_FILES, ids=str)
def test_files_that_are_not_utf_8_are_refused_whole(
    cli: Cli, world: World, tmp_path: Path, bad: hostile.HostileFile
) -> None:
    """A bulk file or a batch that is not UTF-8 text: exit 2 naming the file, nothing
    done (a UTF-16 file and a binary one included)."""
    path = tmp_path / "input.txt"
    path.write_bytes(bad.content)
    for spec in (f"team invite --from-file {path} {ADA}", f"batch {path}"):
        with changes_nothing():
            result = cli(*argv(spec), "-o", "json")
        assert hostile.interpreted(result.stderr) == []
        assert (result.exit_code, result.stdout) == (2, ""), (spec, result.stderr)
        assert str(path) in result.error["message"]


def test_a_batch_line_with_a_nul_or_a_line_break_is_refused(cli: Cli, world: World) -> None:
    """A NUL in a batch line is exit 2 naming the line; a character that ends a line (VT,
    FF, FS, NEL, U+2028...) inside quotes leaves the quote open: exit 2. Nothing is done."""
    findings = Findings()
    breaking = [i for i in hostile.TEXT if hostile.breaks_a_line(i.text)]
    nul = [i for i in hostile.UNREADABLE if "\x00" in i.text]
    with changes_nothing():
        for item in [*breaking, *nul]:
            line = shlex.join([*argv(f"project create {ADA} --"), f"x{item.text}x"])
            result = cli("batch", "-", "-o", "json", input="tick\n" + line)
            where = f"batch <- {item.label}"
            safe(findings, where, result)
            if result.exit_code != 2:
                findings.add(where, f"exit {result.exit_code}")
            one_line_error(findings, where, result)
    findings.assert_none()


def test_a_binary_file_is_refused_by_batch_and_fails_each_invitation(
    cli: Cli, world: World, tmp_path: Path
) -> None:
    """NUL bytes are valid UTF-8: a batch refuses the line (exit 2), invitations fail row
    by row (exit 6). Nothing is done either way."""
    path = tmp_path / "binary.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100 + b"\nada@acme.test\x00\n")
    with changes_nothing():
        batch = cli("batch", str(path), "-o", "json")
        invited = cli(*argv(f"team invite --from-file {path} {ADA}"), "-o", "json")
    assert (batch.exit_code, batch.error["code"], batch.stdout) == (2, "usage", "")
    assert invited.exit_code == 6
    assert {row["result"] for row in invited.json} == {"failed"}
    assert hostile.interpreted(batch.stderr + invited.stdout + invited.stderr) == []
