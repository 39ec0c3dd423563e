"""``account find``: one row per account found, with what matched."""

from __future__ import annotations

from typing import Any

from fpctl.services.team.finding import Found, Match
from fpctl.views import View

FOUND_COLUMNS = ["slug", "name", "plan", "status", "matched"]
#: What a table lists of one account's matches (the JSON lists them all).
SHOWN_MATCHES = 5
_FIELD_NAMES = {"member_email": "member email", "member_name": "member name"}


def found_view(found: Found) -> View:
    account = found.account
    return {
        "slug": account.slug,
        "name": account.name,
        "plan": account.plan,
        "status": account.status,
        "matched": [match_view(match) for match in found.matched],
    }


def match_view(match: Match) -> View:
    view: View = {"field": match.field, "value": match.value}
    if match.member is not None:
        view |= {"member": match.member, "member_status": match.member_status}
    return view


def for_people(view: View, *, separator: str = "\n") -> View:
    """The matches as lines: ``member email: elena.berg@… (active)``, at most
    SHOWN_MATCHES of them and how many more."""
    matched: list[dict[str, Any]] = view["matched"]
    lines = [_line(match) for match in matched[:SHOWN_MATCHES]]
    if len(matched) > SHOWN_MATCHES:
        lines.append(f"… and {len(matched) - SHOWN_MATCHES} more (-o json lists them all)")
    return {**view, "matched": separator.join(lines)}


def _line(match: dict[str, Any]) -> str:
    name = _FIELD_NAMES.get(match["field"], match["field"])
    if match["field"] == "member_name":
        return f"{name}: {match['value']} ({match['member']}, {match['member_status']})"
    if "member" in match:
        return f"{name}: {match['value']} ({match['member_status']})"
    return f"{name}: {match['value']}"
