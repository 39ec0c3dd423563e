"""Eight OS processes writing one store at once (RELIABILITY §1): no lost or duplicate
rows, no "database is locked", and an intact audit chain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Cli
from tests.racing import Race

PROCESSES = 8
INVITES_EACH = 25
ADMIN = "ada@acme.test"


def _invite(email: str) -> list[str]:
    return ["team", "invite", email, "--as", ADMIN, "-o", "json"]


def test_processes_inviting_different_people_all_succeed(
    cli: Cli, acme: str, race: Race, raw: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = set()
    for worker in range(PROCESSES):
        emails = [f"p{worker}-{n}@race.test" for n in range(INVITES_EACH)]
        expected |= set(emails)
        race.spawn([_invite(email) for email in emails])
    race.start()
    results = [run for worker in race.results() for run in worker]

    failed = [run for run in results if run["exit_code"] != 0]
    assert failed == []
    assert [run for run in results if "locked" in run["stderr"]] == []
    listed = cli("team", "invitations", "--account", acme, "-o", "json").json
    assert sorted(i["email"] for i in listed) == sorted(expected)
    with raw() as db:
        invites = db.execute("SELECT count(*) FROM audit_record WHERE action = 'team.invite'")
        assert invites.fetchone() == (PROCESSES * INVITES_EACH,)
    verified = cli("audit", "verify", "-o", "json")
    assert verified.exit_code == 0, verified.stderr
    assert verified.json["ok"] is True


def test_processes_inviting_the_same_person_make_one_invitation(
    cli: Cli, acme: str, race: Race
) -> None:
    for _ in range(PROCESSES):
        race.spawn([_invite("same@race.test")])
    race.start()
    results = [run for worker in race.results() for run in worker]

    assert [run["exit_code"] for run in results] == [0] * PROCESSES
    assert [
        run for run in results if run["stderr"] and "nothing changed" not in run["stderr"]
    ] == []
    outcomes = sorted(_json(run)["result"] for run in results)
    assert outcomes == ["invited"] + ["unchanged"] * (PROCESSES - 1)
    listed = cli("team", "invitations", "--account", acme, "-o", "json").json
    assert [i["email"] for i in listed] == ["same@race.test"]
    assert len({_json(run)["id"] for run in results}) == 1
    assert cli("audit", "verify", "-o", "json").exit_code == 0


def _json(run: dict[str, Any]) -> dict[str, Any]:
    import json

    return json.loads(run["stdout"])
