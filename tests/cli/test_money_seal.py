"""Every money and points row is backed by the audit record of the change that wrote it
(issue 11, defect 3): `db check` finds a row forged together with a matching balance, a
deleted card charge, and an edited first points entry, which the ledger and rewards chains
alone cannot see (each still adds up)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.backends import sql
from tests.conftest import Cli, Outcome

ADA = ("--as", "ada@acme.test")
LENA = ("--as", "@lena")


def ok(result: Outcome) -> Outcome:
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def money(cli: Cli, shop: Any) -> None:
    """acme with a deposit, an Advanced subscription (a card-only charge) and a completed
    order (a charge and the points it earned)."""
    ok(cli("billing", "deposit", "1000", *ADA))
    ok(cli("subscription", "subscribe", "advanced", *ADA))
    placed = ok(
        cli("order", "place", "--freelancer", "lena", "--amount", "100", *ADA, "-o", "json")
    )
    order = str(placed.json["id"])
    ok(cli("order", "requirements", order, "brief", *ADA))
    ok(cli("order", "deliver", order, *LENA))
    ok(cli("order", "accept", order, *ADA))
    assert ok(cli("db", "check")).exit_code == 0


def caught(cli: Cli) -> list[str]:
    """The problems of `db check`, which must fail on the seal alone."""
    result = cli("db", "check", "-o", "json")
    assert result.exit_code == 5, result.stdout
    assert result.json["failed"] == ["money_backed"]
    return list(result.json["money_backed"]["problems"])


def _last(table: str, *columns: str) -> tuple[Any, ...]:
    query = f"SELECT id, {', '.join(columns)} FROM {table} WHERE account_id = 1 ORDER BY id DESC"
    return sql(query)[0]


def test_a_sound_store_has_every_row_backed(cli: Cli, money: None) -> None:
    report = ok(cli("db", "check", "-o", "json")).json
    # the deposit, the subscription, the order's charge and the points it earned
    assert report["money_backed"]["ok"] is True
    assert report["money_backed"]["detail"] == (
        "4 ledger and points rows, each backed by its audit record"
    )


def test_a_ledger_row_forged_with_a_matching_balance_is_caught(cli: Cli, money: None) -> None:
    last_id, credits, balance = _last("ledger_entry", "credits_after_cents", "balance_after_cents")
    forged = balance + 9_999_900
    sql(
        "INSERT INTO ledger_entry (account_id, at, kind, credits_cents, balance_cents, "
        "method_cents, credits_after_cents, balance_after_cents, description) "
        "VALUES (1, '2026-11-02 10:00:00', 'deposit', 0, 9999900, 0, ?, ?, 'gift')",
        credits,
        forged,
    )
    sql("UPDATE account SET balance_cents = ? WHERE id = 1", forged)

    assert caught(cli) == [f"ledger_entry {last_id + 1} is backed by no audit record"]


def test_a_deleted_card_charge_is_caught(cli: Cli, money: None) -> None:
    (charge_id,) = sql(
        "SELECT id FROM ledger_entry WHERE kind = 'charge' AND order_id IS NULL "
        "AND method_cents = 12900"
    )[0]
    (record_id,) = sql("SELECT id FROM audit_record WHERE action = 'subscription.subscribe'")[0]
    sql("DELETE FROM ledger_entry WHERE id = ?", charge_id)

    assert caught(cli) == [
        f"audit record {record_id} covers ledger_entry {charge_id}, which is missing"
    ]


def test_a_forged_points_entry_is_caught(cli: Cli, money: None) -> None:
    last_id, points_after = _last("reward_entry", "points_after")
    sql(
        "INSERT INTO reward_entry (account_id, at, kind, points, points_after, tier, by, "
        "description) VALUES (1, '2026-11-02 10:00:00', 'order', 100000, ?, 'silver', "
        "'system', 'bonus')",
        points_after + 100_000,
    )
    sql("UPDATE account SET points = ? WHERE id = 1", points_after + 100_000)

    assert caught(cli) == [f"reward_entry {last_id + 1} is backed by no audit record"]


def test_an_edited_first_points_entry_is_caught(cli: Cli, money: None) -> None:
    (first,) = sql("SELECT min(id) FROM reward_entry")[0]
    (record_id,) = sql("SELECT id FROM audit_record WHERE action = 'rewards.earn'")[0]
    sql("UPDATE reward_entry SET points = points + 500, points_after = points_after + 500")
    sql("UPDATE account SET points = points + 500 WHERE id = 1")

    problems = caught(cli)

    assert f"the rows audit record {record_id} covers were changed" in problems
    assert sql("SELECT count(*) FROM reward_entry WHERE id = ?", first) == [(1,)]


def test_a_row_covered_twice_by_moving_it_is_caught(cli: Cli, money: None) -> None:
    """Renumbering a row (to hide it under another record's range) changes both claims."""
    (last_id,) = sql("SELECT max(id) FROM ledger_entry")[0]
    sql("UPDATE ledger_entry SET id = ? WHERE id = ?", last_id + 10, last_id)

    problems = caught(cli)

    assert f"ledger_entry {last_id + 10} is backed by no audit record" in problems
    assert any(p.endswith(f"covers ledger_entry {last_id}, which is missing") for p in problems)


def _proofs() -> tuple[int | None, Any, Any]:
    """The streamed proof's row count, and the check as the full proof and as `backed`
    give it, in one read transaction on the test's store."""
    from fpctl.services import maintenance, money_seal
    from fpctl.services.checks import names
    from fpctl.store.db import transaction
    from fpctl.store.location import resolve

    engine = maintenance.open_engine(resolve(), must_exist=True)
    try:
        with transaction(engine, write=False) as session:
            connection = session.connection()
            tables = set(names(connection, "table"))
            return (
                money_seal._sealed_in_order(connection),
                money_seal._backed_in_memory(connection),
                money_seal.backed(connection, tables),
            )
    finally:
        engine.dispose()


def test_a_sound_store_is_proved_streamed_as_the_full_proof_proves_it(money: None) -> None:
    streamed, full, check = _proofs()
    assert streamed == 4  # the streamed proof took it: no claim held in memory
    assert check == full
    assert check.ok


def test_damage_sends_the_proof_to_the_full_walk_which_names_it(money: None) -> None:
    entry_id, description = _last("ledger_entry", "description")
    sql("UPDATE ledger_entry SET description = ? WHERE id = ?", description + "!", entry_id)
    streamed, full, check = _proofs()
    assert streamed is None
    assert check == full
    assert not check.ok


@pytest.mark.parametrize(
    "text",
    [
        '{"ledger_entry":[[5,5]],"sha256":"' + "a" * 64 + '"}',
        '{"reward_entry":[[0,12]],"sha256":"' + "0" * 64 + '"}',
        '{"ledger_entry":[[1,2],[4,4]],"sha256":"' + "b" * 64 + '"}',
        '{"ledger_entry":[[1,2]],"reward_entry":[[3,3]],"sha256":"' + "c" * 64 + '"}',
        '{"ledger_entry":[[9,7]],"sha256":"' + "d" * 64 + '"}',
        '{"ledger_entry": [[5,5]], "sha256":"' + "A" * 64 + '"}',
    ],
)
def test_a_claim_reads_as_the_json_parser_reads_it(text: str) -> None:
    from fpctl.domain.chain import parse_covers
    from fpctl.services.money_seal import _claimed

    spans, sha = parse_covers(text)
    expected = [(table, first, last) for table, found in spans.items() for first, last in found]
    assert (list(_claimed(text)[0]), _claimed(text)[1]) == (expected, sha)
