"""Tables for people: money in dollars, user text shown literally and safely, 50 rows."""

from __future__ import annotations

import io

import pytest

from fpctl.render import emit


def table(data: object, **options: object) -> list[str]:
    out = io.StringIO()
    emit(data, "table", out=out, **options)  # type: ignore[arg-type]
    return [line.rstrip() for line in out.getvalue().splitlines()]


def test_list_table_whole_output() -> None:
    rows = [
        {"email": "ada@acme.test", "balance_cents": 123_450, "active": True, "status": "active"},
        {"email": "mia@acme.test", "balance_cents": -300, "active": False, "status": "closed"},
    ]
    assert table(rows, title="Members of acme") == [
        "Members of acme",
        "┏━━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━┓",
        "┃ EMAIL         ┃   BALANCE ┃ ACTIVE ┃ STATUS ┃",
        "┡━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━┩",
        "│ ada@acme.test │ $1,234.50 │ yes    │ active │",
        "│ mia@acme.test │    -$3.00 │ no     │ closed │",
        "└───────────────┴───────────┴────────┴────────┘",
    ]


def test_object_table_whole_output() -> None:
    shown = table({"slug": "acme", "balance_cents": 123_450, "company": None, "changes": {"a": 1}})
    assert shown == [
        "slug     acme",
        "balance  $1,234.50",
        "company",
        "changes  a=1",
    ]


def test_empty_list_says_none() -> None:
    assert table([]) == ["(none)"]


@pytest.mark.parametrize(
    "name", ["Bob [/]", "[bold]x[/bold]", "[link=http://evil.test]click[/link]", "x [/", ":smile:"]
)
def test_markup_in_user_text_prints_literally(name: str) -> None:
    assert table([{"name": name}]) == [
        "┏" + "━" * (len(name) + 2) + "┓",
        "┃ NAME" + " " * (len(name) - 3) + "┃",
        "┡" + "━" * (len(name) + 2) + "┩",
        f"│ {name} │",
        "└" + "─" * (len(name) + 2) + "┘",
    ]
    assert table({"name": name}) == [f"name  {name}"]


@pytest.mark.parametrize(
    ("hostile", "shown"),
    [
        ("Eve\x1b[2J", "Eve[2J"),
        ("\x1b]8;;http://evil.test\x1b\\Eve\x1b]8;;\x1b\\", "]8;;http://evil.test\\Eve]8;;\\"),
        ("Eve\x1b]52;c;aGk=\x07", "Eve]52;c;aGk="),
        ("Eve\x9b2J", "Eve2J"),
        ("Eve\u202etset.emca", "Evetset.emca"),
    ],
)
def test_escape_sequences_are_stripped(hostile: str, shown: str) -> None:
    for output in (table([{"name": hostile}], title=hostile), table({"name": hostile})):
        text = "\n".join(output)
        assert shown in text
        for control in ("\x1b", "\x9b", "\x07", "\u202e"):
            assert control not in text


def rows(count: int) -> list[dict[str, int]]:
    return [{"n": i} for i in range(count)]


def body(lines: list[str]) -> list[str]:
    return [line.strip("│ ") for line in lines if line.startswith("│")]


def test_lists_show_50_rows_and_say_how_many_more(capsys: pytest.CaptureFixture[str]) -> None:
    shown = table(rows(75))
    assert body(shown) == [str(i) for i in range(50)]
    assert capsys.readouterr().err == (
        "25 more rows not shown (use --all, --limit N, or -o json/csv for everything)\n"
    )


def test_one_more_row_is_singular(capsys: pytest.CaptureFixture[str]) -> None:
    table(rows(51))
    assert capsys.readouterr().err.startswith("1 more row not shown ")


def test_limit_and_all(capsys: pytest.CaptureFixture[str]) -> None:
    assert body(table(rows(10), limit=3)) == ["0", "1", "2"]
    assert capsys.readouterr().err.startswith("7 more rows not shown")
    assert len(body(table(rows(75), limit=None, quiet=True))) == 50
    assert capsys.readouterr().err == ""
    # --all is passed as a very large limit by nobody: the CLI passes limit=None and all=True
    assert len(body(table(rows(75), limit=75))) == 75
    assert capsys.readouterr().err == ""


def test_exactly_50_rows_says_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(body(table(rows(50)))) == 50
    assert capsys.readouterr().err == ""


LONG = {
    "email": "someone.with.a.rather.long.address@a-long-company-domain.example.test",
    "name": "Someone With A Rather Long Name",
    "created_at": "2026-11-01T10:00:00Z",
    "updated_at": "2026-11-01T10:00:00Z",
    "status": "deactivated",
}


def test_not_a_terminal_without_columns_uses_a_wide_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COLUMNS")
    shown = table([LONG, LONG])
    assert len(shown) == 6  # nothing folds: one line per row
    assert f"│ {LONG['email']} │" in shown[3]
    assert "│ 2026-11-01T10:00:00Z │" in shown[3]


def test_a_narrow_terminal_shows_the_columns_that_fit_and_never_splits_a_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    shown = table([LONG])
    assert max(len(line) for line in shown) <= 60
    assert len(shown) == 5  # one line for the row: nothing folded mid-token
    assert "someone.with.a.rather.long.address@a-long-c" in shown[3]
    assert shown[3].split("│")[1].strip().endswith("…")


def test_object_with_a_list_of_objects_shows_a_small_table() -> None:
    shown = table(
        {
            "slug": "acme",
            "members_by_role": {"admin": 1, "member": 2},
            "recent_activity": [
                {"at": "2026-11-01T10:00:00Z", "actor": "ada@acme.test", "amount_cents": 1250},
                {"at": "2026-11-01T09:00:00Z", "actor": "Eve\x1b[2J", "amount_cents": None},
            ],
            "nothing": [],
        }
    )
    assert shown == [
        "slug             acme",
        "members by role  admin=1, member=2",
        "nothing",
        "",
        "Recent activity",
        "┏━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━┓",
        "┃ AT                   ┃ ACTOR         ┃ AMOUNT ┃",
        "┡━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━┩",
        "│ 2026-11-01T10:00:00Z │ ada@acme.test │ $12.50 │",
        "│ 2026-11-01T09:00:00Z │ Eve[2J        │        │",
        "└──────────────────────┴───────────────┴────────┘",
    ]
