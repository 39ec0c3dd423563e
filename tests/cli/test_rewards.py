"""`fpctl rewards show | redeem | history`: tiers, points earned and clawed back, the 365-day
window and redemptions (SPEC §1.9, §2)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.backends import sql
from tests.conftest import NOW, Cli, Outcome, store_state

ADA = ("--as", "ada@acme.test")
BILL = ("--as", "bill@acme.test")
MIA = ("--as", "mia@acme.test")
MAX = ("--as", "max@acme.test")
LENA = ("--as", "@lena")
SUPPORT = ("--as", "support", "--reason", "ticket 7", "--account", "acme")
OPERATOR = ("--account", "acme")

YEAR_LATER = "2027-11-01T10:00:00Z"  # NOW + 365 days
YEAR_LATER_MINUS_1S = "2027-11-01T09:59:59Z"
YEAR_LATER_PLUS_1S = "2027-11-01T10:00:01Z"


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def ok(result: Outcome) -> Outcome:
    assert result.exit_code == 0, result.stderr
    return result


def refused(result: Outcome, exit_code: int, code: str) -> None:
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    assert result.error["code"] == code


def completed(cli: Cli, amount: str, *, now: str = NOW) -> int:
    """A custom order of ``amount`` for lena, paid by ada's card and completed at ``now``."""
    at = ("--now", now)
    placed = cli(
        "order", "place", "--freelancer", "lena", "--amount", amount, *ADA, *at, "-o", "json"
    )
    order_id = str(ok(placed).json["id"])
    ok(cli("order", "requirements", order_id, "brief", *ADA, *at))
    ok(cli("order", "deliver", order_id, *LENA, *at))
    ok(cli("order", "accept", order_id, *ADA, *at))
    return int(order_id)


def rewards(cli: Cli, *args: str, actor: tuple[str, ...] = OPERATOR) -> Outcome:
    return cli("rewards", *args, *actor, "-o", "json")


def show(cli: Cli, *, now: str = NOW) -> dict[str, Any]:
    return ok(rewards(cli, "show", "--now", now)).json


def history(cli: Cli) -> list[dict[str, Any]]:
    return ok(rewards(cli, "history")).json


def audit(cli: Cli, action: str) -> list[dict[str, Any]]:
    records = ok(cli("audit", "list", *OPERATOR, "-o", "json")).json
    return [r for r in records if r["action"] == action]


def redeem(cli: Cli, points: str, kind: str, *extra: str, actor: tuple[str, ...] = ADA) -> Outcome:
    return rewards(cli, "redeem", points, "--for", kind, *extra, actor=actor)


def state(cli: Cli) -> dict[str, Any]:
    """Every row of the store: what a refusal (or a rolled-back run) must leave alone."""
    return store_state()


# -- show and earning -----------------------------------------------------------------------


def test_a_new_account_is_silver_with_no_points(cli: Cli, shop: Any) -> None:
    assert show(cli) == {
        "account": "acme",
        "tier": "silver",
        "points": 0,
        "spend_365d_cents": 0,
        "next_tier": "gold",
        "to_next_tier_cents": 100_000,
        "points_value_cents": 0,
    }
    assert history(cli) == []


def test_silver_earns_a_point_per_whole_dollar(cli: Cli, shop: Any) -> None:
    first = completed(cli, "100")
    completed(cli, "150.99")
    view = show(cli)
    assert (view["points"], view["spend_365d_cents"], view["tier"]) == (250, 25_099, "silver")
    assert view["to_next_tier_cents"] == 100_000 - 25_099
    entries = history(cli)
    assert [(e["kind"], e["points"], e["points_after"], e["tier"]) for e in entries] == [
        ("order", 100, 100, "silver"),
        ("order", 150, 250, "silver"),
    ]
    assert (entries[0]["order_id"], entries[0]["by"]) == (first, "ada@acme.test")
    assert audit(cli, "rewards.earn")[0]["changes"]["points"] == [0, 100]


def test_the_tier_rises_at_exactly_1000_and_the_order_earns_at_the_tier_before(
    cli: Cli, shop: Any
) -> None:
    completed(cli, "999.99")
    assert show(cli)["tier"] == "silver"
    completed(cli, "0.01")  # spend 1,000.00 exactly: gold; this order earned at silver
    view = show(cli)
    assert (view["tier"], view["points"], view["next_tier"]) == ("gold", 999, "platinum")
    assert view["to_next_tier_cents"] == 400_000
    [change] = audit(cli, "rewards.tier")
    assert (change["actor"], change["changes"]) == ("ada@acme.test", {"tier": ["silver", "gold"]})
    completed(cli, "100")  # at gold: 2 points per dollar
    assert show(cli)["points"] == 999 + 200


def test_platinum_earns_three_points_per_dollar(cli: Cli, shop: Any) -> None:
    completed(cli, "1000")  # silver: 1,000 points, then gold
    completed(cli, "4000")  # gold: 8,000 points, then platinum (5,000.00)
    completed(cli, "100.50")  # platinum: 300 points
    view = show(cli)
    assert (view["tier"], view["points"], view["next_tier"], view["to_next_tier_cents"]) == (
        "platinum",
        9_300,
        None,
        None,
    )
    assert [e["tier"] for e in history(cli)] == ["silver", "gold", "platinum"]


def test_deposits_earn_points_only_at_gold_and_platinum(cli: Cli, shop: Any) -> None:
    ok(cli("billing", "deposit", "2000", *ADA))
    assert show(cli)["points"] == 0
    completed(cli, "1000")
    ok(cli("billing", "deposit", "$2,349.99", *ADA))  # 234 whole tens of dollars
    assert show(cli)["points"] == 1_000 + 234
    last = history(cli)[-1]
    assert (last["kind"], last["points"], last["tier"], last["order_id"]) == (
        "deposit",
        234,
        "gold",
        None,
    )


# -- refunds --------------------------------------------------------------------------------


def refund(cli: Cli, order_id: int, *amount: str) -> Outcome:
    return cli("order", "refund", str(order_id), "--reason", "unhappy", *amount, *SUPPORT)


def test_a_guarantee_refund_claws_back_the_points(cli: Cli, shop: Any) -> None:
    order_id = completed(cli, "150.99")
    ok(refund(cli, order_id, "--amount", "50.50"))  # 150.99 -> 100.49: 150 -> 100 points
    assert (show(cli)["points"], show(cli)["spend_365d_cents"]) == (100, 10_049)
    ok(refund(cli, order_id))  # the rest
    assert show(cli)["points"] == 0
    entries = history(cli)
    assert [(e["kind"], e["points"], e["points_after"]) for e in entries] == [
        ("order", 150, 150),
        ("clawback", -50, 100),
        ("clawback", -100, 0),
    ]
    assert entries[1]["by"] == "support:sam"
    assert len(audit(cli, "rewards.clawback")) == 2


def test_a_refund_never_makes_points_negative_and_may_drop_the_tier(cli: Cli, shop: Any) -> None:
    order_id = completed(cli, "1000")
    assert (show(cli)["tier"], show(cli)["points"]) == ("gold", 1_000)
    ok(redeem(cli, "1000", "credits"))
    ok(refund(cli, order_id, "--amount", "0.01"))  # spend 999.99: silver again
    view = show(cli)
    assert (view["tier"], view["points"], view["spend_365d_cents"]) == ("silver", 0, 99_999)
    assert [e["kind"] for e in history(cli)] == ["order", "redeem"]  # nothing left to take
    changes = [(r["actor"], r["changes"]["tier"]) for r in audit(cli, "rewards.tier")]
    assert changes == [("ada@acme.test", ["silver", "gold"]), ("support:sam", ["gold", "silver"])]


# -- the 365-day window ---------------------------------------------------------------------


def test_an_order_leaves_the_window_365_days_after_its_completion(cli: Cli, shop: Any) -> None:
    completed(cli, "1000")
    before = show(cli, now=YEAR_LATER_MINUS_1S)
    assert (before["tier"], before["spend_365d_cents"]) == ("gold", 100_000)
    after = show(cli, now=YEAR_LATER_PLUS_1S)  # settled lazily by the read
    assert (after["tier"], after["spend_365d_cents"], after["points"]) == ("silver", 0, 1_000)
    drop = audit(cli, "rewards.tier")[-1]
    assert (drop["actor"], drop["at"], drop["changes"]) == (
        "system",
        YEAR_LATER_PLUS_1S,
        {"tier": ["gold", "silver"]},
    )


def test_tick_reviews_the_tier_when_the_window_slides(cli: Cli, shop: Any) -> None:
    completed(cli, "1000")
    completed(cli, "500", now="2027-01-01T10:00:00Z")
    early = ok(cli("tick", "--now", YEAR_LATER_MINUS_1S, "-o", "json")).json
    assert {r["action"]: r["settled"] for r in early}["rewards.tier_review"] == 0
    first = ok(cli("tick", "--now", YEAR_LATER, "-o", "json")).json  # (now - 365d, now]
    assert {r["action"]: r["settled"] for r in first}["rewards.tier_review"] == 1
    again = ok(cli("tick", "--now", YEAR_LATER, "-o", "json")).json
    assert {r["action"]: r["settled"] for r in again}["rewards.tier_review"] == 0
    view = show(cli, now=YEAR_LATER)
    assert (view["tier"], view["spend_365d_cents"]) == ("silver", 50_000)
    assert [r["actor"] for r in audit(cli, "rewards.tier")] == ["ada@acme.test", "system"]


def test_a_gold_account_keeps_its_tier_while_the_window_still_holds_enough(
    cli: Cli, shop: Any
) -> None:
    completed(cli, "600")
    completed(cli, "600", now="2027-06-01T10:00:00Z")  # gold from here
    completed(cli, "600", now="2027-07-01T10:00:00Z")
    view = show(cli, now=YEAR_LATER_PLUS_1S)  # the first left: 1,200.00 still counts
    assert (view["tier"], view["spend_365d_cents"]) == ("gold", 120_000)
    assert show(cli, now="2028-06-01T10:00:00Z")["tier"] == "silver"


# -- redeeming ------------------------------------------------------------------------------


@pytest.fixture
def points(cli: Cli, shop: Any) -> int:
    """acme with 4,000 points: 1,000 earned at silver, then 3,000 at gold."""
    completed(cli, "1000")
    completed(cli, "1500")
    assert show(cli)["points"] == 4_000
    return 4_000


def test_a_member_redeems_points_for_credits(cli: Cli, points: int) -> None:
    result = ok(redeem(cli, "1,500", "credits", actor=MIA))
    assert result.json == {
        "account": "acme",
        "points": 1_500,
        "reward": "credits",
        "value_cents": 1_500,
        "points_after": 2_500,
        "credits_cents": 1_500,
        "charity": None,
        "at": NOW,
    }
    last = history(cli)[-1]
    assert (last["kind"], last["points"], last["reward"], last["value_cents"], last["by"]) == (
        "redeem",
        -1_500,
        "credits",
        1_500,
        "mia@acme.test",
    )
    [record] = audit(cli, "rewards.redeem")
    assert record["changes"]["credits_cents"] == [0, 1_500]
    ledger = ok(cli("billing", "ledger", *ADA, "-o", "json")).json
    assert (ledger[-1]["kind"], ledger[-1]["credits_cents"]) == ("reward", 1_500)


@pytest.mark.parametrize("actor", [ADA, BILL, SUPPORT])
def test_gift_cards_and_donations_are_for_the_admin_billing_and_support(
    cli: Cli, points: int, actor: tuple[str, ...]
) -> None:
    gift = ok(redeem(cli, "2500", "gift-card", actor=actor)).json
    assert (gift["points_after"], gift["credits_cents"], gift["value_cents"]) == (1_500, 0, 2_500)
    ok(redeem(cli, "1000", "credits", actor=actor))
    last = history(cli)
    assert [e["reward"] for e in last] == [None, None, "gift-card", "credits"]


def test_a_donation_names_its_charity(cli: Cli, points: int) -> None:
    done = ok(redeem(cli, "2500", "donation", "--charity", "Red Cross", actor=BILL)).json
    assert (done["charity"], done["points_after"]) == ("Red Cross", 1_500)
    assert history(cli)[-1]["charity"] == "Red Cross"


REFUSALS = [
    ("999", "credits", ADA, 5, "below_minimum"),
    ("2600", "gift-card", ADA, 5, "invalid_multiple"),
    ("3000", "donation", ADA, 5, "invalid_multiple"),
    ("4001", "credits", ADA, 5, "not_enough_points"),
    ("5000", "gift-card", ADA, 5, "not_enough_points"),
    ("2500", "gift-card", MIA, 4, "permission_denied"),
    ("2500", "donation", MIA, 4, "permission_denied"),
]


@pytest.mark.parametrize("case", REFUSALS, ids=[f"{c[1]}-{c[0]}-{c[4]}" for c in REFUSALS])
def test_refused_redemptions_change_nothing(cli: Cli, points: int, case: tuple[Any, ...]) -> None:
    points_text, kind, actor, exit_code, code = case
    before = state(cli)
    extra = ("--charity", "Red Cross") if kind == "donation" else ()
    refused(redeem(cli, points_text, kind, *extra, actor=actor), exit_code, code)
    assert state(cli) == before


def test_a_deactivated_member_cannot_redeem_or_read(cli: Cli, points: int) -> None:
    ok(cli("team", "deactivate", "max@acme.test", *ADA, "--yes"))
    before = state(cli)
    refused(redeem(cli, "1000", "credits", actor=MAX), 4, "permission_denied")
    assert rewards(cli, "show", actor=MAX).exit_code == 4
    assert state(cli) == before


@pytest.mark.parametrize(
    "args",
    [
        ("abc", "--for", "credits"),
        ("0", "--for", "credits"),
        ("-5", "--for", "credits"),
        ("1000.5", "--for", "credits"),
        ("1,00", "--for", "credits"),
        ("1000", "--for", "cash"),
        ("1000",),
        ("2500", "--for", "donation"),
        ("2500", "--for", "donation", "--charity", " "),
        ("2500", "--for", "gift-card", "--charity", "Red Cross"),
        ("1000", "--for", "credits", "--charity", "Red Cross"),
    ],
)
def test_malformed_redemptions_are_usage_errors(
    cli: Cli, points: int, args: tuple[str, ...]
) -> None:
    before = state(cli)
    assert cli("rewards", "redeem", *args, *ADA).exit_code == 2
    assert state(cli) == before


def test_a_dry_run_redemption_changes_nothing(cli: Cli, points: int) -> None:
    before = state(cli)
    result = ok(rewards(cli, "redeem", "1000", "--for", "credits", "--dry-run", actor=ADA))
    assert (result.json["points_after"], result.json["credits_cents"]) == (3_000, 1_000)
    assert state(cli) == before


def test_history_lists_earn_clawback_and_redeem_with_their_signs(cli: Cli, shop: Any) -> None:
    order_id = completed(cli, "1000")
    ok(cli("billing", "deposit", "1000", *ADA))  # gold: 100 points
    ok(redeem(cli, "1000", "credits"))
    ok(refund(cli, order_id, "--amount", "50"))  # 50 dollars at silver: 50 points
    entries = history(cli)
    assert [(e["kind"], e["points"], e["points_after"]) for e in entries] == [
        ("order", 1_000, 1_000),
        ("deposit", 100, 1_100),
        ("redeem", -1_000, 100),
        ("clawback", -50, 50),
    ]
    assert [e["id"] for e in entries] == sorted(e["id"] for e in entries)  # oldest first
    assert set(entries[0]) == {
        "id",
        "at",
        "kind",
        "points",
        "points_after",
        "tier",
        "order_id",
        "reward",
        "charity",
        "value_cents",
        "by",
        "description",
    }


def test_members_read_the_accounts_rewards_and_freelancers_cannot(cli: Cli, points: int) -> None:
    assert ok(rewards(cli, "show", actor=MIA)).json["points"] == 4_000
    assert len(ok(rewards(cli, "history", actor=MIA)).json) == 2
    assert ok(rewards(cli, "show", actor=SUPPORT)).json["points"] == 4_000
    assert rewards(cli, "show", actor=(*LENA, "--account", "acme")).exit_code == 4


def test_show_and_history_render_as_tables(cli: Cli, points: int) -> None:
    table = ok(cli("rewards", "show", *OPERATOR))
    assert "gold" in table.stdout and "4000" in table.stdout.replace(",", "")
    listed = ok(cli("rewards", "history", *OPERATOR))
    assert "order" in listed.stdout


# -- db check ----------------------------------------------------------------------------------


def test_db_check_adds_up_the_rewards_history(cli: Cli, points: int) -> None:
    ok(redeem(cli, "1000", "credits"))

    report = ok(cli("db", "check", "-o", "json")).json

    assert report["rewards"]["ok"] is True
    assert report["rewards"]["detail"] == "3 entries of 1 account add up"


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (
            "UPDATE account SET points = 99 WHERE slug = 'acme'",
            "account acme: points are 99 but its rewards history ends at 4,000",
        ),
        (
            "UPDATE reward_entry SET points = 1 WHERE id = 2",
            "account acme: reward entry 2 does not follow entry 1",
        ),
    ],
)
def test_db_check_catches_tampered_points(cli: Cli, points: int, tamper: str, problem: str) -> None:
    sql(tamper)

    result = cli("db", "check", "-o", "json")

    assert result.exit_code == 5
    assert "rewards" in result.json["failed"]
    assert result.json["rewards"]["problems"] == [problem]
