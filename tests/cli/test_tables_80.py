"""Tables for a person at 80 and 120 columns (issue 12, item 6): every list and detail view
of the demo store is drawn, and no token (an email, an amount, an id, a status, a time) is
split across lines: each word on screen is a word of the data, or its beginning cut with
"…". Columns that do not fit are left to `-o wide`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from fpctl.render.tables import cell
from tests.conftest import Cli, built_once

NW = ("--account", "northwind-traders")
ELENA = ("--as", "elena.berg@northwind-traders.test")  # the demo's admin
LISTS = [
    ("team", "list", *NW),
    ("team", "invitations", *NW),
    ("order", "list", *NW),
    ("audit", "list", *NW),
    ("billing", "ledger", *NW),
    ("billing", "invoices", *NW),
    ("approvals", "list", *NW),
    ("policy", "list", *NW),
    ("project", "list", *NW),
    ("network", "list", *NW),
    ("rewards", "history", *NW),
    ("freelancer", "list"),
    ("account", "list"),
    ("offer", "list", *NW),
    ("inbox", "list", *ELENA),
    ("notifications", "list", *ELENA),
]
DETAILS = [
    ("account", "show", "northwind-traders"),
    ("order", "show", "FIRST", *NW),
    ("freelancer", "show", "lena.design"),
    ("billing", "show", *NW),
    ("subscription", "show", *NW),
    ("rewards", "show", *NW),
    ("offer", "show", "4", *NW),
    ("inbox", "show", "CONVERSATION", *ELENA),
]


@pytest.fixture
def demo(cli: Cli, isolated_env: Path) -> Path:
    def seed() -> None:
        assert cli("demo", "seed", "-o", "json").exit_code == 0

    built_once("demo-default-tables", isolated_env, seed)
    return isolated_env


def words_of(data: Any, key: str = "") -> set[str]:
    """Every word the table could show: the data's values as cells, and its keys."""
    if isinstance(data, Mapping):
        found = {word for k in data for word in k.upper().replace("_", " ").split()}
        found |= {word for k in data for word in k.replace("_", " ").split()}
        for k, v in data.items():
            found |= words_of(v, k)
        return found | set(cell(key, data).plain.split())
    if isinstance(data, list):
        found = set(cell(key, data).plain.split())
        for item in data:
            found |= words_of(item, key)
        return found
    return set(cell(key, data).plain.split())


def split_words(screen: str, known: set[str]) -> list[str]:
    """Words on screen that are neither a word of the data nor a cut beginning of one."""
    bad = []
    for line in screen.splitlines():
        if "━" in line or "─" in line:
            continue
        for word in line.replace("│", " ").replace("┃", " ").split():
            bare = word.strip("(),;:")
            if word in known or bare in known or not bare:
                continue
            if bare.endswith("…") and any(k.startswith(bare[:-1]) for k in known):
                continue
            bad.append(word)
    return bad


@pytest.mark.parametrize("width", ["80", "120"])
@pytest.mark.parametrize("args", LISTS + DETAILS, ids=lambda a: " ".join(a[:2]))
def test_no_token_is_split(
    cli: Cli, demo: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], width: str
) -> None:
    if "FIRST" in args:  # the first order of the account, whatever the seed made
        first = str(cli("order", "list", *NW, "-o", "json").json[0]["id"])
        args = tuple(first if arg == "FIRST" else arg for arg in args)
    if "CONVERSATION" in args:  # the admin's first conversation
        talk = str(cli("inbox", "list", *ELENA, "-o", "json").json[0]["id"])
        args = tuple(talk if arg == "CONVERSATION" else arg for arg in args)
    data = cli(*args, "-o", "json")
    assert data.exit_code == 0, data.stderr
    known = words_of(data.json) | {"(none)", "yes", "no"}
    if args[0] == "inbox":  # its title counts the actor's unread notifications
        shown_as = cli("account", "show", "northwind-traders", *ELENA, "-o", "json")
        known.add(str(shown_as.json["unread_notifications"]))
    title_words = {"Members", "of", "Invitations", "Orders", "Audit", "trail", "Lists",
                   "Services", "Reviews", "Order", "history", "Recent", "activity", "Ledger",
                   "Invoices", "Policies", "Projects", "Network", "Rewards", "Approval",
                   "requests", "Accounts", "Freelancers", "northwind-traders", "Milestones",
                   "Hourly", "Payment", "methods", "Northwind", "Traders", "(northwind-traders)",
                   "Lena", "Moreau", "(@lena.design)", "Entries", "Saved", "freelancers",
                   "Catalogue", "Hired", "Viewed", "Billing", "Subscription", "Recently",
                   "viewed", "Offers", "Conversations", "Notifications", "unread",
                   "notifications", "·", "(elena.berg@northwind-traders.test)"}  # fmt: skip
    monkeypatch.setenv("COLUMNS", width)

    shown = cli(*args)

    assert shown.exit_code == 0, shown.stderr
    assert max(len(line) for line in shown.stdout.splitlines()) <= int(width)
    assert split_words(shown.stdout, known | title_words) == []
