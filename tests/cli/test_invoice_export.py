"""`fpctl billing invoices --export DIR`: the CSV index and one printable HTML document per
invoice (SPEC §1.8)."""

from __future__ import annotations

import csv
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, changes_nothing

ADA = ("--as", "ada@acme.test")
BILL = ("--as", "bill@acme.test")
MIA = ("--as", "mia@acme.test")
SUPPORT = ("--as", "support", "--reason", "ticket 7", "--account", "acme")
OPERATOR = ("--account", "acme")
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.test","click")'
VOID = {"meta", "br", "hr", "img", "link", "input"}


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def export(
    cli: Cli, directory: Path, *args: str, actor: tuple[str, ...] = ADA, output: str = "json"
) -> Any:
    return cli("billing", "invoices", "--export", str(directory), *args, *actor, "-o", output)


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.stderr
    return result.json


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """Where exports go (tmp_path itself holds the store)."""
    return tmp_path / "export"


@pytest.fixture
def history(cli: Cli, shop: Any) -> None:
    """Invoice 1: a 1,000.00 deposit by card (before any billing information). Then billing
    information with hostile text, and invoice 2: lena's 100.00 logo paid from the balance,
    and credit note 3: its cancellation, refunded to the balance."""
    ok(cli("billing", "deposit", "1000", *ADA, "-o", "json"))
    info = ("--company", SCRIPT, "--full-name", FORMULA, "--address", "1 Main St\nBerlin")
    info = (*info, "--country", "DE", "--tax-id", "@DE1")
    ok(cli("billing", "info", "set", *info, *ADA, "-o", "json"))
    order = ok(cli("order", "place", "--freelancer", "lena", "--service", "1", *ADA, "-o", "json"))
    ok(cli("order", "cancel", str(order["id"]), *ADA, "-o", "json"))


def index(directory: Path) -> list[dict[str, str]]:
    with (directory / "invoices.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


class Page(HTMLParser):
    """The document's tags, checked to nest and close; its title and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.title = ""
        self.style = ""
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        inside = self.open[-1] if self.open else ""
        if inside in ("title", "style"):
            setattr(self, inside, getattr(self, inside) + data)
            return
        self.text += [line.strip() for line in data.splitlines() if line.strip()]


def parsed(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    assert page.open == [], f"unclosed: {page.open}"
    return page


# -- the files -----------------------------------------------------------------------------------


def test_export_writes_an_index_and_one_document_per_invoice(
    cli: Cli, history: None, out: Path
) -> None:
    target = out / "out" / "2026"  # created, parents too
    result = export(cli, target)

    rows = ok(result)
    names = ["invoice-INV-000001.html", "invoice-INV-000002.html", "invoice-INV-000003.html"]
    assert [row["file"] for row in rows] == [str(target / name) for name in names]
    assert [row["kind"] for row in rows] == ["invoice", "invoice", "credit"]
    assert sorted(p.name for p in target.iterdir()) == [*names, "invoices.csv"]
    assert result.stderr == f"wrote 4 files to {target}: invoices.csv and 3 invoice documents\n"


def test_the_index_has_the_view_columns_and_the_file(cli: Cli, history: None, out: Path) -> None:
    export(cli, out)

    rows = index(out)
    assert list(rows[0]) == [
        "id", "number", "kind", "purpose", "order_id", "description", "amount_cents",
        "credits_cents", "balance_cents", "method_cents", "payment_method",
        "billed_to_account", "billed_to_name", "billed_to_full_name", "billed_to_company",
        "billed_to_address", "billed_to_country", "billed_to_tax_id", "account", "issued_at",
        "file",
    ]  # fmt: skip
    assert rows[0] == {
        "id": "1",
        "number": "INV-000001",
        "kind": "invoice",
        "purpose": "deposit",
        "order_id": "",
        "description": "Deposit of $1,000.00 into the shared balance",
        "amount_cents": "100000",
        "credits_cents": "0",
        "balance_cents": "0",
        "method_cents": "100000",
        "payment_method": "card *4242",
        "billed_to_account": "acme",
        "billed_to_name": "Acme",
        "billed_to_full_name": "",
        "billed_to_company": "",
        "billed_to_address": "",
        "billed_to_country": "",
        "billed_to_tax_id": "",
        "account": "acme",
        "issued_at": "2026-11-01T10:00:00Z",
        "file": "invoice-INV-000001.html",
    }
    assert [(r["kind"], r["amount_cents"], r["balance_cents"]) for r in rows[1:]] == [
        ("invoice", "10000", "10000"),
        ("credit", "10000", "10000"),
    ]


def test_formulas_in_the_index_are_neutralised(cli: Cli, history: None, out: Path) -> None:
    export(cli, out)

    row = index(out)[1]
    assert row["billed_to_full_name"] == "'" + FORMULA
    assert row["billed_to_tax_id"] == "'@DE1"
    assert row["billed_to_company"] == SCRIPT  # plain text to a spreadsheet
    assert row["billed_to_address"] == "1 Main St\nBerlin"


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_every_formula_start_is_neutralised(cli: Cli, shop: Any, out: Path, start: str) -> None:
    ok(cli("billing", "info", "set", f"--full-name={start}SUM(1)", *ADA, "-o", "json"))
    ok(cli("billing", "info", "set", "--company", f"x{start}1", *ADA, "-o", "json"))
    ok(cli("billing", "deposit", "1000", *ADA, "-o", "json"))
    export(cli, out)

    [row] = index(out)
    assert row["billed_to_full_name"] == f"'{start}SUM(1)"
    assert row["billed_to_company"] == f"x{start}1"  # only a leading sign is a formula


@pytest.mark.parametrize(("start", "shown"), [("\t", "'\t"), ("\r", "\\u000d")])
def test_a_leading_tab_is_neutralised_and_a_cr_escaped(start: str, shown: str) -> None:
    # The CLI trims them away; an invoice's description (stored by fpctl) could still hold one.
    from fpctl.render.invoice_export import index_csv

    text = index_csv([{"id": 1, "description": f"{start}=1+1"}])
    [row] = list(csv.DictReader(text.splitlines(keepends=True)))
    assert row["description"] == f"{shown}=1+1"


def test_a_re_run_overwrites_the_same_files(cli: Cli, history: None, out: Path) -> None:
    ok(export(cli, out))
    first = {p.name: p.read_text() for p in out.iterdir()}
    (out / "invoice-INV-000002.html").write_text("tampered")
    (out / "notes.txt").write_text("mine")

    ok(export(cli, out))

    again = {p.name: p.read_text() for p in out.iterdir()}
    assert again == {**first, "notes.txt": "mine"}  # no temporary files left behind


def test_filters_apply_to_the_export(cli: Cli, history: None, out: Path) -> None:
    rows = ok(export(cli, out, "--kind", "credit"))

    assert [row["number"] for row in rows] == ["INV-000003"]
    assert [row["number"] for row in index(out)] == ["INV-000003"]
    assert sorted(p.name for p in out.iterdir()) == ["invoice-INV-000003.html", "invoices.csv"]


def test_no_invoices_writes_an_index_with_its_header_only(cli: Cli, shop: Any, out: Path) -> None:
    result = export(cli, out)

    assert ok(result) == []
    assert (out / "invoices.csv").read_text().startswith("id,number,kind,")
    assert index(out) == []
    assert result.stderr == f"wrote 1 file to {out}: invoices.csv and 0 invoice documents\n"


def test_without_export_rows_have_no_file(cli: Cli, history: None) -> None:
    rows = ok(cli("billing", "invoices", *ADA, "-o", "json"))

    assert all("file" not in row for row in rows)


def test_the_table_lists_the_files(
    cli: Cli, history: None, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # room for a long temporary path, unshortened
    result = export(cli, out, output="table")

    assert result.exit_code == 0, result.stderr
    assert "FILE" in result.stdout and "invoice-INV-000003.html" in result.stdout


# -- who may, and where ------------------------------------------------------------------------


@pytest.mark.parametrize("actor", [ADA, BILL, SUPPORT, OPERATOR])
def test_billing_readers_export(cli: Cli, history: None, out: Path, actor: tuple[str, ...]) -> None:
    assert len(ok(export(cli, out / "x", actor=actor))) == 3
    assert (out / "x" / "invoices.csv").exists()


def test_members_cannot_export_and_nothing_is_written(cli: Cli, history: None, out: Path) -> None:
    result = export(cli, out / "x", actor=MIA)

    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.error["code"] == "permission_denied"
    assert not (out / "x").exists()


def test_a_file_in_place_of_the_directory_is_a_usage_error(
    cli: Cli, history: None, out: Path
) -> None:
    out.mkdir()
    taken = out / "report.csv"
    taken.write_text("keep me")
    result = export(cli, taken)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.error == {
        "code": "not_a_directory",
        "message": f"{taken} exists and is not a directory",
        "hint": "give --export a directory (it is created when missing)",
    }
    assert taken.read_text() == "keep me"


def test_a_directory_that_cannot_be_made_is_a_usage_error(
    cli: Cli, history: None, out: Path
) -> None:
    out.mkdir()
    (out / "report.csv").write_text("keep me")
    result = export(cli, out / "report.csv" / "sub")

    assert result.exit_code == 2
    assert result.error["code"] == "export_failed"
    assert result.error["message"].startswith(f"cannot write the export to {out}")


# -- the printable documents -------------------------------------------------------------------


def test_an_invoice_document_is_well_formed_and_complete(
    cli: Cli, history: None, out: Path
) -> None:
    export(cli, out)

    page = parsed(out / "invoice-INV-000002.html")
    assert page.doctype == "DOCTYPE html"
    assert page.title == "Invoice INV-000002 — Fiverr Pro"
    assert [tag for tag, _ in page.tags[:2]] == ["html", "head"]
    for expected in (
        "Fiverr Pro",
        "Invoice",
        "INV-000002",
        "2026-11-01",
        "Billed to",
        "$100.00",
        "Paid with",
        "Shared balance",
        "Tax ID: @DE1",
        "DE",
        "Account: Acme (acme)",
    ):
        assert expected in page.text, expected
    assert "@media print" in page.style and "@page" in page.style


def test_user_text_is_escaped_never_run(cli: Cli, history: None, out: Path) -> None:
    export(cli, out)
    path = out / "invoice-INV-000002.html"

    raw = path.read_text()
    page = parsed(path)
    assert SCRIPT not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert SCRIPT in "\n".join(page.text)  # shown literally
    assert FORMULA in "\n".join(page.text)
    assert "script" not in {tag for tag, _ in page.tags}
    # self-contained: nothing loaded from elsewhere
    assert all("src" not in attrs and "href" not in attrs for _, attrs in page.tags)


def test_a_credit_note_says_where_the_money_went(cli: Cli, history: None, out: Path) -> None:
    export(cli, out)

    page = parsed(out / "invoice-INV-000003.html")
    assert page.title == "Credit note INV-000003 — Fiverr Pro"
    for expected in ("Credit note", "Total credited", "Refunded to", "Shared balance", "$100.00"):
        assert expected in page.text, expected


def test_a_document_from_before_billing_information_shows_the_account(
    cli: Cli, history: None, out: Path
) -> None:
    export(cli, out)

    page = parsed(out / "invoice-INV-000001.html")
    assert "Account: Acme (acme)" in page.text
    assert "$1,000.00" in page.text
    assert "Payment method: card *4242" in page.text
    assert SCRIPT not in "\n".join(page.text)  # set after it was issued


def test_an_empty_export_path_is_refused(cli: Cli, history: None, tmp_path: Path) -> None:
    """An empty path would quietly be the current directory."""
    with changes_nothing():
        result = cli("billing", "invoices", "--export", "", *ADA, "-o", "json")
    assert (result.exit_code, result.stdout) == (2, "")
    assert "empty path" in result.error["message"]
