"""services/dashboard, issue 14: the projects and recently viewed freelancers the seeds'
dashboard lists (001), and balance and credits only for those who may see billing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from fpctl.clock import parse_instant
from fpctl.domain.enums import ProjectStatus
from fpctl.services import dashboard
from fpctl.services.lookups import by_username
from fpctl.services.network import connections
from fpctl.services.team import projects
from fpctl.views.dashboard import dashboard_view
from tests.conftest import NOW, Cli
from tests.services.test_projects import ADA, BILL, MAX, MIA, SUPPORT, layout

__all__ = ["layout"]  # the fixture, used by name

Work = Callable[..., Any]
T0 = parse_instant(NOW)
READERS: dict[str, dict[str, Any]] = {
    "admin": {"as_": ADA},
    "billing_manager": {"as_": BILL},
    "member": {"as_": MIA},
    "collaborator": {"as_": MAX},
    "support": SUPPORT,
    "nobody": {"account": "acme"},
}


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


@pytest.mark.parametrize("reader", list(READERS))
def test_projects_counts_what_project_list_shows(
    work: Work, layout: dict[str, int], reader: str
) -> None:
    """Shared, joined, archived and hidden projects all in play, for every kind of reader."""
    with work(as_=MIA) as ctx:
        projects.share(ctx, layout["alone"])
    with work(as_=ADA) as ctx:
        projects.archive(ctx, layout["with_max"])
        projects.create(ctx, "Board", private=True)
    with work(write=False, **READERS[reader]) as ctx:
        listed = list(projects.list_projects(ctx, ProjectStatus.ACTIVE))
        assert dashboard.show(ctx).projects == len(listed)


def view(work: Work, who: str, freelancer: str, at: timedelta) -> None:
    with work(as_=who, now=T0 + at) as ctx:
        connections.record_view(ctx, by_username(ctx.session, freelancer))


def seen(work: Work, **reader: Any) -> list[tuple[str, str]]:
    with work(write=False, **reader) as ctx:
        shown = dashboard.show(ctx).recently_viewed
    return [(v.username, v.viewed_at.isoformat()) for v in shown]


def at(hours: int) -> str:
    return (T0 + timedelta(hours=hours)).isoformat()


def test_recently_viewed_are_the_readers_own_newest_first(
    cli: Cli, shop: dict[str, int], work: Work
) -> None:
    for name in ("ann", "bob", "cy", "dee", "eve"):
        done = cli("freelancer", "add", name, "--as", "support", "--reason", "catalogue")
        assert done.exit_code == 0, done.stderr
    for hours, name in enumerate(("lena", "otto", "ann", "bob", "cy", "dee", "eve", "otto")):
        view(work, MIA, name, timedelta(hours=hours + 1))
    view(work, MAX, "lena", timedelta(hours=20))
    assert seen(work, as_=MIA) == [  # five at most; otto again moves up
        ("otto", at(8)),
        ("eve", at(7)),
        ("dee", at(6)),
        ("cy", at(5)),
        ("bob", at(4)),
    ]
    assert seen(work, as_=MAX) == [("lena", at(20))]
    assert seen(work, as_=ADA) == []  # the admin's own views: none
    everyone = [("lena", at(20)), ("otto", at(8)), ("eve", at(7)), ("dee", at(6)), ("cy", at(5))]
    assert seen(work, **SUPPORT) == everyone  # the account's latest view of each
    assert seen(work, account="acme") == everyone


def test_another_accounts_views_are_not_shown(cli: Cli, shop: dict[str, int], work: Work) -> None:
    assert cli("account", "create", "Beta", "--admin", "bo@beta.test").exit_code == 0
    view(work, "bo@beta.test", "lena", timedelta(hours=1))
    assert seen(work, account="acme") == []
    assert seen(work, as_="bo@beta.test") == [("lena", at(1))]


@pytest.mark.parametrize(
    ("reader", "shows"),
    [
        ("admin", True),
        ("billing_manager", True),
        ("member", False),
        ("collaborator", False),
        ("support", True),
        ("nobody", True),
    ],
)
def test_balance_and_credits_only_for_who_sees_billing(
    work: Work, team: dict[str, str], reader: str, shows: bool
) -> None:
    """SPEC §1.8: members cannot see billing history; `billing show` is the rule."""
    with work(write=False, **READERS[reader]) as ctx:
        shown = dashboard.show(ctx)
        keys = dashboard_view(shown)
    assert shown.shows_billing is shows
    money = (keys["balance_cents"], keys["credits_cents"], keys["credits_set_aside_cents"])
    assert money == ((0, 0, 0) if shows else (None, None, None))
