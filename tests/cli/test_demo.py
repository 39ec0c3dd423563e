"""fpctl demo seed: deterministic, complete, audited, refused twice."""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import Cli, built_once, changes_nothing

SLUGS = ["northwind-traders", "bluebird-analytics", "harbor-pine-studio"]
LISTINGS = [
    ("account", "list"),
    ("team", "list", "--account", "northwind-traders"),
    ("team", "list", "--account", "bluebird-analytics"),
    ("team", "invitations", "--account", "northwind-traders"),
    ("team", "invitations", "--account", "harbor-pine-studio"),
    ("approvals", "list", "--account", "bluebird-analytics"),
    ("policy", "list", "--account", "northwind-traders"),
]


def _seed(cli: Cli, db: Path, *extra: str) -> dict:
    result = cli("demo", "seed", "--db", db, "-o", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return result.json


def _seeded(cli: Cli, db: Path) -> dict:
    """A store seeded with the defaults: seeded once per test run, then copied (the tests
    that only read it need no seed of their own)."""
    return dict(built_once("demo-default", db, lambda: _seed(cli, db)))


def _listings(cli: Cli, db: Path) -> list:
    found = []
    for args in LISTINGS:
        result = cli(*args, "--db", db, "-o", "json")
        assert result.exit_code == 0, (args, result.stderr)
        found.append(result.json)
    return found


def test_summary_counts_what_was_made(cli: Cli, tmp_path: Path) -> None:
    summary = _seeded(cli, tmp_path / "a.db")
    # Audit records: one per change the services make (pinned by the verify test instead).
    assert summary.pop("audit_records") > 100
    assert summary == {
        "seed": 1,
        "base_time": "2026-11-01T00:00:00Z",
        "accounts": 3,
        "members": 30,
        "invitations": 51,
        "policies": 8,
        "approval_requests": 19,  # 12 for invitations, 7 for orders (2 from offers)
        "orders": 50,  # 3 accounts x (10 + 7 from their dealings), one refused by a limit
        "freelancers": 5,
        "services": 8,
        "slugs": SLUGS,
    }


@pytest.mark.sqlite_only  # two stores, named by --db
def test_same_seed_same_store(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _seed(cli, tmp_path / "a.db", "--seed", "7")
    # Later the same UTC day: the base time (start of the day) is the same.
    _seed(cli, tmp_path / "b.db", "--seed", "7", "--now", "2026-11-01T23:30:00Z")
    first, second = _listings(cli, tmp_path / "a.db"), _listings(cli, tmp_path / "b.db")
    assert first == second
    tokens = [i["token"] for i in first[3] if i["token"]]
    assert len(tokens) == 3  # open invitations carry their (seeded) token


@pytest.mark.sqlite_only  # a store named by --db
def test_every_record_names_the_operator_who_seeded(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")  # SPEC §3.2: every record names the operator
    db = tmp_path / "a.db"
    _seed(cli, db, "--accounts", "1", "--orders", "12")
    with closing(sqlite3.connect(db)) as conn:
        kinds = conn.execute("SELECT DISTINCT actor_kind FROM audit_record ORDER BY 1")
        assert [kind for (kind,) in kinds] == ["freelancer", "member", "support", "system"]
        agents = conn.execute("SELECT DISTINCT agent FROM audit_record")
        assert agents.fetchall() == [("sam",)]


@pytest.mark.sqlite_only  # two stores, named by --db
def test_another_seed_another_store(cli: Cli, tmp_path: Path) -> None:
    _seeded(cli, tmp_path / "a.db")  # the default seed, 1
    _seed(cli, tmp_path / "b.db", "--seed", "2")
    assert _listings(cli, tmp_path / "a.db")[1] != _listings(cli, tmp_path / "b.db")[1]


def test_every_role_and_status_is_present(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _seeded(cli, db)
    members, invitations, approvals, policies = [], [], [], []
    for slug in SLUGS:
        for store, args in (
            (members, ("team", "list")),
            (invitations, ("team", "invitations")),
            (approvals, ("approvals", "list")),
            (policies, ("policy", "list")),
        ):
            result = cli(*args, "--account", slug, "--db", db, "-o", "json")
            assert result.exit_code == 0, result.stderr
            store.extend(result.json)
    assert {m["role"] for m in members} == {"admin", "billing_manager", "member"}
    assert {m["status"] for m in members} == {"active", "deactivated", "removed", "closed"}
    assert {i["status"] for i in invitations} == {
        "awaiting_approval",
        "pending",
        "accepted",
        "rejected",
        "withdrawn",
        "expired",
        "superseded",
    }
    # (a held order cancelled by mutual agreement also leaves a withdrawn request)
    assert {a["status"] for a in approvals} >= {"pending", "approved", "rejected", "expired"}
    assert {p["kind"] for p in policies} == {
        "invite-approval",
        "order-approval",
        "purchase-limit",
    }
    advanced_only = [p for p in policies if p["kind"] == "purchase-limit"]
    assert {p["account"] for p in advanced_only} == {"northwind-traders"}


def test_one_account_is_advanced(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _seeded(cli, db)
    plans = {a["slug"]: a["plan"] for a in cli("account", "list", "--db", db, "-o", "json").json}
    assert plans == {
        "northwind-traders": "advanced",
        "bluebird-analytics": "basic",
        "harbor-pine-studio": "basic",
    }


def test_audit_trail_is_real_and_verifies(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    summary = _seeded(cli, db)
    verified = cli("audit", "verify", "--db", db, "-o", "json")
    assert verified.exit_code == 0, verified.stderr
    assert verified.json["records"] == summary["audit_records"]
    actions = {r["action"] for r in cli("audit", "list", "--db", db, "-o", "json").json}
    assert {
        "account.create",
        "team.invite",
        "team.accept",
        "team.supersede",
        "team.withdraw",
        "team.deactivate",
        "team.remove",
        "team.leave",
        "role.set",
        "policy.add",
        "approval.approve",
        "approval.reject",
        "approval.expire",
        "invitation.expire",
        "freelancer.add",
        "freelancer.service_add",
    } <= actions


def test_the_catalogue_has_pro_and_other_freelancers_with_services(
    cli: Cli, tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    _seeded(cli, db)
    listed = cli("freelancer", "list", "--db", db, "-o", "json").json
    assert [(f["username"], f["pro"]) for f in listed] == [
        ("kofi_dev", True),
        ("lena.design", True),
        ("mateo.video", False),
        ("sara-writes", False),
        ("yuki_data", True),
    ]
    shown = cli("freelancer", "show", "lena.design", "--db", db, "-o", "json").json
    assert [(s["title"], s["price_cents"], s["revisions"]) for s in shown["services"]] == [
        ("Brand identity", 120000, 3),
        ("Logo", 35000, 2),
    ]


def test_seeding_twice_is_refused(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _seeded(cli, db)
    again = cli("demo", "seed", "--db", db, "-o", "json")
    assert again.exit_code == 5
    assert again.error["code"] == "already_seeded"
    assert again.error["hint"] == (
        "seed it again from scratch with --reset --yes, or seed a fresh store: "
        "--db /tmp/demo.db (or FPCTL_DB)"
    )
    assert again.stdout == ""


def test_dry_run_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    dry = cli("demo", "seed", "--db", db, "--dry-run", "-o", "json")
    assert dry.exit_code == 0, dry.stderr
    assert dry.json["accounts"] == 3
    assert cli("account", "list", "--db", db, "-o", "json").json == []


def test_sizes(cli: Cli, tmp_path: Path) -> None:
    result = cli(
        "demo", "seed", "--db", tmp_path / "a.db", "--accounts", "5", "--members", "12",
        "--orders", "3", "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.json["accounts"] == 5
    assert result.json["members"] == 5 * 12
    assert 0 < result.json["orders"] <= 5 * (3 + 7)  # a purchase limit may refuse some


def test_orders_show_the_lifecycle(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _seeded(cli, db)
    orders = [
        order
        for slug in SLUGS
        for order in cli("order", "list", "--db", db, "--account", slug, "-o", "json").json
    ]
    statuses = {order["status"] for order in orders}
    assert {"awaiting_requirements", "in_progress", "delivered", "completed"} <= statuses
    assert {"in_revision", "cancelled"} <= statuses
    assert {"awaiting_approval", "rejected"} & statuses
    assert any(order["cancellation"] for order in orders)  # an open request, with time left
    assert any("late" in order["flags"] for order in orders)
    assert {order["kind"] for order in orders} >= {"fixed", "milestones"}
    completed = [o for o in orders if o["status"] == "completed"]
    assert all(o["paid_cents"] == o["total_cents"] for o in completed if o["kind"] == "fixed")
    assert cli("audit", "verify", "--db", db).exit_code == 0


def test_too_few_members_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("demo", "seed", "--db", tmp_path / "a.db", "--members", "3")
    assert result.exit_code == 2


def test_orders_up_to_100000_per_account(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _seeded(cli, db)
    # Accepted, then refused by the store (already seeded) before anything is built.
    result = cli("demo", "seed", "--db", db, "--accounts", "1", "--orders", "100000")
    assert result.exit_code == 5, result.stderr
    assert "already holds the demo accounts" in result.stderr
    result = cli("demo", "seed", "--db", tmp_path / "b.db", "--orders", "100001")
    assert result.exit_code == 2
    assert "100001 is not between 0 and 100,000" in result.stderr


# -- progress ----------------------------------------------------------------------------------

TRY = (
    "try: fpctl account show northwind-traders   ·   fpctl team list --account "
    "northwind-traders   ·   fpctl order list --account northwind-traders\n"
)
#: fpctl, with the progress bar shown from the first step rather than after a second.
_EAGER_FPCTL = (
    "import fpctl.cli.progress as progress; progress.PROGRESS_AFTER_SECONDS = 0.0; "
    "from fpctl.cli.main import main; main()"
)


def _at_a_terminal(*args: str) -> tuple[int, str, str]:
    """Run fpctl with stderr on a pseudo-terminal and stdout on a pipe, as `fpctl … > out`
    at a terminal: the exit code, stdout, and what the terminal received."""
    import os
    import subprocess
    import sys
    import threading

    main, terminal = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", _EAGER_FPCTL, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=terminal,
    )
    os.close(terminal)
    received: list[bytes] = []

    def read() -> None:
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the process closed the terminal
                return
            if not chunk:
                return
            received.append(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    stdout, _ = process.communicate(timeout=300)
    reader.join()
    os.close(main)
    return process.returncode, stdout.decode(), b"".join(received).decode(errors="replace")


@pytest.mark.sqlite_only  # a terminal test: the store it seeds does not matter
def test_a_progress_bar_with_an_estimate_on_a_terminal_only(tmp_path: Path) -> None:
    code, stdout, terminal = _at_a_terminal(
        "demo", "seed", "--db", str(tmp_path / "a.db"), "--accounts", "1", "--orders", "2",
        "-o", "json",
    )  # fmt: skip
    assert code == 0, terminal
    assert json.loads(stdout)["accounts"] == 1  # stdout: the data, nothing else
    assert "seeding the demo" in terminal
    assert re.search(r"\d+%", terminal)
    assert re.search(r"-:--:--|\d:\d\d:\d\d", terminal)  # the time left
    assert terminal.rstrip().endswith("northwind-traders")  # the note, after the bar went


@pytest.mark.sqlite_only  # a terminal test: the store it seeds does not matter
def test_no_progress_bar_with_quiet(tmp_path: Path) -> None:
    code, stdout, terminal = _at_a_terminal(
        "demo", "seed", "--db", str(tmp_path / "a.db"), "--accounts", "1", "--orders", "0",
        "-o", "json", "-q",
    )  # fmt: skip
    assert code == 0, terminal
    assert json.loads(stdout)["accounts"] == 1
    assert terminal == ""


def test_nothing_but_the_note_on_stderr_when_not_a_terminal(cli: Cli) -> None:
    result = cli("demo", "seed", "--accounts", "1", "--orders", "1", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == TRY


# -- --reset ----------------------------------------------------------------------------------


def _store() -> Path:
    """The test's own store (on the postgres backend, FPCTL_DATABASE_URL names it instead)."""
    import os

    return Path(os.environ["FPCTL_DB"])


def test_reset_seeds_a_demo_store_again(cli: Cli) -> None:
    first = _seeded(cli, _store())
    before = _listings(cli, _store())
    result = cli("demo", "seed", "--reset", "--yes", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json == first  # same seed, same day: the same store
    assert _listings(cli, _store()) == before
    assert result.stderr == (
        f"replaced the store (3 demo accounts, {first['audit_records']:,} audit records) "
        "with a new demo store\n" + TRY
    )
    checked = cli("db", "check", "-o", "json")
    assert checked.exit_code == 0, checked.stdout
    verified = cli("audit", "verify", "-o", "json")
    assert verified.exit_code == 0, verified.stderr
    assert verified.json["records"] == first["audit_records"]  # the new store's trail only


def test_reset_with_other_sizes_runs_twice(cli: Cli) -> None:
    for seed in ("2", "3"):
        result = cli("demo", "seed", "--reset", "--yes", "--accounts", "2", "--orders", "4",
                     "--seed", seed, "-o", "json")  # fmt: skip
        assert result.exit_code == 0, result.stderr
        assert result.json["slugs"] == SLUGS[:2]
    assert [a["slug"] for a in cli("account", "list", "-o", "json").json] == sorted(SLUGS[:2])
    assert cli("db", "check").exit_code == 0
    assert cli("audit", "verify").exit_code == 0


def test_reset_of_a_store_without_accounts_seeds_it(cli: Cli) -> None:
    result = cli("demo", "seed", "--reset", "--accounts", "1", "--orders", "0", "-o", "json")
    assert result.exit_code == 0, result.stderr  # nothing to replace: no --yes needed
    assert result.json["accounts"] == 1
    assert result.stderr == "demo seed --reset: the store holds no account yet; seeding it\n" + TRY


def test_reset_needs_yes_when_not_at_a_terminal(cli: Cli) -> None:
    first = _seeded(cli, _store())
    with changes_nothing():
        result = cli("demo", "seed", "--reset", "-o", "json")
    assert result.exit_code == 2
    assert result.error == {
        "code": "confirmation_required",
        "message": f"replace {_shown(cli)} (3 demo accounts, "
        f"{first['audit_records']:,} audit records) with a new demo store: this needs "
        "confirmation",
        "hint": "add --yes to confirm when not running at a terminal",
    }
    assert result.stdout == ""


def _shown(cli: Cli) -> str:
    return str(cli("db", "path", "-o", "json").json["url"])


def test_reset_refuses_a_store_with_other_accounts(cli: Cli) -> None:
    _seeded(cli, _store())
    created = cli("account", "create", "Acme Studio", "--admin", "ada@acme.test")
    assert created.exit_code == 0, created.stderr
    with changes_nothing():
        result = cli("demo", "seed", "--reset", "--yes", "-o", "json")
    assert result.exit_code == 5
    assert result.error["code"] == "reset_refused"
    assert result.error["message"].startswith(
        "the store holds accounts that are not demo accounts (acme-studio): --reset replaces "
        "the whole store, its audit trail included"
    )
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("added", "refusal"),
    [
        (
            ("freelancer", "add", "zed"),
            "the store holds freelancers that are not in the demo catalogue (@zed)",
        ),
        (
            ("freelancer", "service", "add", "lena.design", "Posters", "--price", "90"),
            "@lena.design offers a service that is not in the demo catalogue (Posters)",
        ),
    ],
    ids=["freelancer", "service"],
)
def test_reset_refuses_a_catalogue_grown_by_hand(
    cli: Cli, added: tuple[str, ...], refusal: str
) -> None:
    _seeded(cli, _store())
    made = cli(*added, "--as", "support", "--reason", "a real freelancer")
    assert made.exit_code == 0, made.stderr
    with changes_nothing():
        result = cli("demo", "seed", "--reset", "--yes", "-o", "json")
    assert result.exit_code == 5
    assert result.error["code"] == "reset_refused"
    assert result.error["message"].startswith(refusal + ": --reset replaces the whole store")


def test_reset_refuses_a_store_demo_seed_did_not_build(cli: Cli) -> None:
    # The same slug as the first demo account, but made by hand: not a demo store.
    created = cli("account", "create", "Northwind Traders", "--admin", "ada@acme.test")
    assert created.exit_code == 0, created.stderr
    with changes_nothing():
        result = cli("demo", "seed", "--reset", "--yes", "-o", "json")
    assert result.exit_code == 5
    assert result.error["message"].startswith(
        "the store was not built by `fpctl demo seed` from empty"
    )


def test_reset_dry_run_replaces_nothing(cli: Cli) -> None:
    _seeded(cli, _store())
    with changes_nothing():
        result = cli("demo", "seed", "--reset", "--dry-run", "--seed", "5", "-o", "json")
    assert result.exit_code == 0, result.stderr  # a dry run needs no --yes
    assert result.json["seed"] == 5
    assert result.stderr.startswith(
        "dry run: the new demo store passed its checks; nothing was replaced\n"
    )


def test_reset_is_refused_in_a_batch(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "lines"
    source.write_text("demo seed --reset --yes\n")
    result = cli("batch", source, "-o", "json")
    assert result.exit_code == 2
    assert result.error["code"] == "not_in_batch"
