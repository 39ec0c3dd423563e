"""emit(): every format for a list and for an object; notes and errors on stderr."""

from __future__ import annotations

import csv
import io
import json

import pytest

from fpctl.errors import InvalidInput
from fpctl.render import emit, emit_error
from fpctl.render.safe import neutralize_formula, safe_text

ROWS = [
    {"id": 1, "email": "ada@acme.test", "balance_cents": 123_450, "active": True, "tags": None},
    {"id": 2, "email": "mia@acme.test", "balance_cents": 0, "active": False, "tags": ["a", "b"]},
]
OBJ = {"slug": "acme", "name": "Acme", "balance_cents": 123_450, "changes": {"role": [1, 2]}}


def render(data: object, fmt: str, **options: object) -> str:
    out = io.StringIO()
    emit(data, fmt, out=out, **options)  # type: ignore[arg-type]
    return out.getvalue()


def test_json_list_is_one_array_with_exact_keys() -> None:
    assert json.loads(render(ROWS, "json")) == ROWS


def test_json_empty_list() -> None:
    assert render([], "json") == "[]\n"


def test_json_object() -> None:
    text = render(OBJ, "json")
    assert json.loads(text) == OBJ
    assert text.startswith('{\n  "slug": "acme",')


def test_json_keeps_non_ascii_readable() -> None:
    assert json.loads(render({"name": "Élodie"}, "json")) == {"name": "Élodie"}
    assert "Élodie" in render({"name": "Élodie"}, "json")


def test_ndjson_one_object_per_line() -> None:
    lines = render(ROWS, "ndjson").splitlines()
    assert [json.loads(line) for line in lines] == ROWS
    assert render(OBJ, "ndjson").count("\n") == 1
    assert json.loads(render(OBJ, "ndjson")) == OBJ


def test_csv_header_then_rows() -> None:
    assert render(ROWS, "csv").splitlines() == [
        "id,email,balance_cents,active,tags",
        "1,ada@acme.test,123450,true,",
        '2,mia@acme.test,0,false,"[""a"",""b""]"',
    ]


def test_csv_respects_columns() -> None:
    assert render(ROWS, "csv", columns=["email", "id"]).splitlines() == [
        "email,id",
        "ada@acme.test,1",
        "mia@acme.test,2",
    ]


def test_csv_object_is_one_row() -> None:
    assert render(OBJ, "csv").splitlines() == [
        "slug,name,balance_cents,changes",
        'acme,Acme,123450,"{""role"":[1,2]}"',
    ]


def test_tsv() -> None:
    assert render(ROWS, "tsv").splitlines() == [
        "id\temail\tbalance_cents\tactive\ttags",
        "1\tada@acme.test\t123450\ttrue\t",
        '2\tmia@acme.test\t0\tfalse\t"[""a"",""b""]"',
    ]


def test_empty_list_has_a_header_when_columns_are_known() -> None:
    assert render([], "csv", columns=["id", "email"]) == "id,email\n"


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://evil.test","x")', "+1+2", "-2+3", "@SUM(A1)", "\tx"],
)
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_formula_cells_are_neutralised(value: str, fmt: str) -> None:
    text = render([{"name": value, "n": -5}], fmt)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="," if fmt == "csv" else "\t"))
    assert rows == [["name", "n"], ["'" + value, "-5"]]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_a_leading_cr_is_shown_as_an_escape_not_a_formula(fmt: str) -> None:
    text = render([{"name": "\r=1+1"}], fmt)
    assert text == "name\n\\u000d=1+1\n"  # no raw CR to move the cursor back


def test_numbers_are_not_quoted_but_text_is() -> None:
    assert neutralize_formula("-5") == "'-5"
    assert neutralize_formula("ada") == "ada"
    assert render([{"n": -5}], "csv") == "n\n-5\n"


def test_machine_formats_are_never_limited_unless_asked() -> None:
    rows = [{"id": i} for i in range(120)]
    assert len(json.loads(render(rows, "json"))) == 120
    assert len(render(rows, "ndjson").splitlines()) == 120
    assert len(render(rows, "csv").splitlines()) == 121
    assert len(json.loads(render(rows, "json", limit=7))) == 7
    assert len(render(rows, "csv", limit=7).splitlines()) == 8


def test_machine_formats_escape_terminal_controls_losslessly() -> None:
    hostile = "a\x1b[2Jb\x9bc\u202ed"
    text = render({"name": hostile}, "json")
    assert "\x1b" not in text
    assert "\x9b" not in text
    assert "\u202e" not in text
    assert json.loads(text) == {"name": hostile}
    line = render([{"name": hostile}], "ndjson")
    assert "\x9b" not in line
    assert json.loads(line) == {"name": hostile}


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(InvalidInput) as refused:
        render(ROWS, "yaml")
    assert refused.value.message == "'yaml' is not an output format"
    assert refused.value.hint == "use one of: table, wide, json, ndjson, csv, tsv, markdown"


@pytest.mark.parametrize(
    ("given_", "shown"),
    [
        ("Bob [/]", "Bob [/]"),
        ("a\x1b[2Jb", "a[2Jb"),  # ESC dropped: the screen is not cleared
        ("\x1b]8;;http://evil.test\x1b\\link\x1b]8;;\x1b\\", "]8;;http://evil.test\\link]8;;\\"),
        ("\x1b]52;c;aGVsbG8=\x07", "]52;c;aGVsbG8="),  # OSC 52 clipboard write
        ("a\x9b2Jb", "a2Jb"),  # C1 CSI
        ("abc\u202edef", "abcdef"),  # right-to-left override
        ("x\u2066y\u2069z\u200fw", "xyzw"),
        ("line 1\nline\t2", "line 1\nline\t2"),
        ("\x00\x07\x7f", ""),
    ],
)
def test_safe_text(given_: str, shown: str) -> None:
    assert safe_text(given_) == shown


def test_error_lines_are_sanitised(capsys: pytest.CaptureFixture[str]) -> None:
    emit_error(
        {"code": "not_found", "message": "no member \x1b[2Jeve\u202e@x.test", "hint": "h\x9b!"},
        as_json=True,
    )
    err = capsys.readouterr().err
    assert err.splitlines()[:2] == ["error: no member [2Jeve@x.test", "hint: h!"]
    assert "\x1b" not in err
    assert "\x9b" not in err
    assert "\u202e" not in err
    assert json.loads(err.splitlines()[2]) == {
        "error": {
            "code": "not_found",
            "message": "no member \x1b[2Jeve\u202e@x.test",
            "hint": "h\x9b!",
        }
    }
