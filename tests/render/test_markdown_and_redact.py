"""`-o markdown` (a table to paste into a ticket) and `--redact` (nothing a ticket must not
hold) at the rendering layer."""

from __future__ import annotations

import io

import pytest

from fpctl.render import emit
from fpctl.render.redact import REDACTED, redact_text, redacted

ROWS = [
    {"id": 1, "email": "ada@acme.test", "role": "billing_manager", "tags": ["a", "b"]},
    {"id": 2, "email": "x@y.test", "role": "member", "tags": None},
]


def render(data: object, fmt: str) -> str:
    out = io.StringIO()
    emit(data, fmt, out=out)  # type: ignore[arg-type]
    return out.getvalue()


def test_markdown_rows_are_a_table_with_a_header_and_every_row() -> None:
    assert render(ROWS, "markdown").splitlines() == [
        "| ID | EMAIL | ROLE | TAGS |",
        "|---|---|---|---|",
        '| 1 | ada@acme.test | billing\\_manager | \\["a","b"\\] |',
        "| 2 | x@y.test | member |  |",
    ]


def test_markdown_object_is_a_field_value_table() -> None:
    assert render({"slug": "acme", "plan": None}, "markdown").splitlines() == [
        "| FIELD | VALUE |",
        "|---|---|",
        "| slug | acme |",
        "| plan |  |",
    ]


@pytest.mark.parametrize(
    ("name", "cell"),
    [
        ("[click](http://evil.test)", "\\[click\\]\\(http://evil.test\\)"),
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert\\(1\\)\\>"),
        ("a | b", "a \\| b"),
        ("two\nlines", "two lines"),
        ("\x1b]0;PWNED\x07T", "\\]0;PWNEDT"),
        ("\u202eevil", "evil"),
    ],
    ids=["link", "html", "pipe", "newline", "osc", "bidi"],
)
def test_markdown_cells_stay_text_on_one_line(name: str, cell: str) -> None:
    body = render([{"name": name}], "markdown").splitlines()[2]
    assert body == f"| {cell} |"


def test_wide_is_a_table() -> None:
    assert "ada@acme.test" in render(ROWS, "wide")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("priya.shah@northwind-traders.test", "p***@northwind…"),
        ("no member ada@acme.test here", "no member a***@acme… here"),
        ("invitation:4 zoe@acme.test", "invitation:4 z***@acme…"),
        ("card *4242", "card *••••"),
        ("paid by •••• 4242", "paid by •••• ••••"),
        ("nothing to hide", "nothing to hide"),
    ],
)
def test_redact_masks_emails_and_card_digits_in_text(text: str, shown: str) -> None:
    assert redact_text(text) == shown


def test_redact_hides_tokens_and_last4_at_any_depth() -> None:
    row = {"token": "s3cr3t", "method": {"last4": "4242"}, "list": ["ann@acme.test"], "n": 3}
    assert redacted(row) == {
        "token": REDACTED,
        "method": {"last4": REDACTED},
        "list": ["a***@acme…"],
        "n": 3,
    }
    assert list(redacted([{"token": None}])) == [{"token": None}]  # nothing to hide
