"""The README's "Money and plans" walkthrough, step by step, with what each step promises:
subscribe, renew, cancel with its refund, redeem points, export invoices, switch and back."""

from __future__ import annotations

import csv
from html.parser import HTMLParser
from pathlib import Path

from tests.conftest import Cli

ADA = ("--as", "ada@acme.test")
SUPPORT = ("--as", "support", "--reason", "catalogue")


def ok(cli: Cli, *args: str) -> dict:
    result = cli(*args, "-o", "json")
    assert result.exit_code == 0, result.stderr
    return result.json


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_readme_walkthrough(cli: Cli, tmp_path: Path) -> None:
    ok(cli, "account", "create", "Acme Studio", "--admin", "ada@acme.test", "--slug", "acme")
    card = ("--card", "4242 4242 4242 4242", "--expiry", "12/30")
    ok(cli, "billing", "payment-method", "add", *card, *ADA)
    info = ok(
        cli,
        "billing", "info", "set",
        "--full-name", "Ada Lovelace",
        "--company", "Acme Studio Ltd",
        "--address", "1 Analytical Row, London",
        "--country", "GB",
        "--tax-id", "GB123456789",
        *ADA,
    )  # fmt: skip
    assert info["tax_id"] == "GB123456789"

    ok(cli, "freelancer", "add", "lena", "--name", "Lena", "--pro", *SUPPORT)
    ok(cli, "freelancer", "service", "add", "lena", "Brand book", "--price", "1200", *SUPPORT)
    ok(cli, "order", "place", "--freelancer", "lena", "--service", "1", *ADA)
    ok(cli, "order", "requirements", "1", "Our colours and fonts", *ADA)
    ok(cli, "order", "deliver", "1", "--as", "@lena")
    ok(cli, "order", "accept", "1", *ADA)

    rewards = ok(cli, "rewards", "show", "--account", "acme")
    assert (rewards["tier"], rewards["points"], rewards["spend_365d_cents"]) == (
        "gold",
        1200,
        120000,
    )
    redeemed = ok(cli, "rewards", "redeem", "1000", "--for", "credits", *ADA)
    assert (redeemed["points_after"], redeemed["credits_cents"]) == (200, 1000)
    history = ok(cli, "rewards", "history", "--account", "acme")
    assert [(h["kind"], h["points"]) for h in history] == [("order", 1200), ("redeem", -1000)]

    subscribed = ok(cli, "subscription", "subscribe", "advanced", *ADA)
    assert (subscribed["plan"], subscribed["renews_at"]) == ("advanced", "2026-12-01T10:00:00Z")
    ok(cli, "tick", "--now", "2026-12-01T10:00:00Z")
    renewed = ok(cli, "subscription", "show", "--account", "acme", "--now", "2026-12-01T10:00:00Z")
    assert renewed["renews_at"] == "2027-01-01T10:00:00Z"

    half_way = ("--now", "2026-12-16T22:00:00Z")  # 15.5 of the 31 days of the cycle
    cancelled = ok(cli, "subscription", "cancel", "--yes", *ADA, *half_way)
    assert (cancelled["plan"], cancelled["refund_cents"]) == ("basic", 6450)
    billing = ok(cli, "billing", "show", *ADA, *half_way)
    assert billing["balance_cents"] == 6450

    folder = tmp_path / "invoices"
    listed = ok(cli, "billing", "invoices", "--export", str(folder), *ADA, *half_way)
    # the order, the first month, the renewal, and the refund's credit note
    assert [i["purpose"] for i in listed] == ["order", "subscription", "subscription", "refund"]
    with (folder / "invoices.csv").open(newline="", encoding="utf-8") as index:
        rows = list(csv.DictReader(index))
    assert len(rows) == 4
    document = _Text()
    document.feed((folder / rows[-1]["file"]).read_text(encoding="utf-8"))
    text = " ".join(document.text)
    assert "Ada Lovelace" in text and "$64.50" in text and "GB123456789" in text

    gone = ok(cli, "subscription", "switch", "fiverr", "--yes", *ADA, *half_way)
    assert (gone["status"], gone["credits_set_aside_cents"]) == ("switched", 1000)
    back = ok(cli, "subscription", "switch", "basic", *ADA, *half_way)
    assert (back["status"], back["plan"], back["credits_set_aside_cents"]) == ("active", "basic", 0)

    dashboard = ok(cli, "account", "show", "acme", *half_way)
    assert (dashboard["plan"], dashboard["tier"], dashboard["points"]) == ("basic", "gold", 200)
    assert (dashboard["balance_cents"], dashboard["credits_cents"]) == (6450, 1000)
    assert dashboard["open_orders"] == 0
