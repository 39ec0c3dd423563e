"""A long chain is verified in ranges by worker processes (services/chain_ranges.py): the
answer (first break, count, head) is always the one a single walk gives, wherever the
break lies: inside a later range, at a seam, at the head."""

from __future__ import annotations

from typing import Any

import pytest

from fpctl.domain.actors import SYSTEM
from fpctl.domain.chain import digest
from fpctl.services import audit, chain_ranges
from fpctl.services.audit import Entry
from fpctl.services.chain_walk import iso_at
from fpctl.services.maintenance import AUDIT_TRIGGERS
from tests.services.test_audit import AT

RECORDS = 12  # in three ranges: 1-4, 5-8, 9-12


@pytest.fixture
def joined(work: Any, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """A chain of RECORDS records verified in three ranges however short it is; returns
    what each verify's ranges added up to (None: they did not fit, one walk was taken)."""
    with work() as ctx:
        entries = [Entry(f"x.{n}", f"t:{n}", None, {"n": (None, n)}) for n in range(RECORDS)]
        audit.record_many(ctx.session, SYSTEM, AT, entries)
    monkeypatch.setattr(chain_ranges, "PARALLEL_FROM", 1)
    monkeypatch.setattr(chain_ranges, "cores", lambda: 3)
    seen: list[Any] = []
    join = chain_ranges.joined

    def spied(*args: Any) -> Any:
        seen.append(join(*args))
        return seen[-1]

    monkeypatch.setattr(chain_ranges, "joined", spied)
    return seen


def one_walk(work: Any) -> Any:
    with work(write=False) as ctx:
        return chain_ranges._walk_all(ctx.session.connection())


def in_ranges(work: Any) -> Any:
    with work(write=False) as ctx:
        return audit.verify(ctx.session)


def tamper(engine: Any, *statements: str) -> None:
    """Raw SQL past the audit fence (the triggers that refuse UPDATE and DELETE)."""
    with engine.begin() as connection:
        for name in AUDIT_TRIGGERS:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
            else:
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON audit_record")
        for statement in statements:
            connection.exec_driver_sql(statement)


def rechain(engine: Any, record_id: int) -> None:
    """Edit a record and give it the hash its new content has (the next link breaks)."""
    with engine.connect() as connection:
        row = (
            connection.exec_driver_sql(f"SELECT * FROM audit_record WHERE id = {record_id}")
            .mappings()
            .one()
        )
    record = {**row, "target": "t:forged"}
    record["at"] = AT
    assert iso_at(row["at"]) == "2026-11-01T10:00:00Z"
    tamper(
        engine,
        f"UPDATE audit_record SET target = 't:forged', hash = '{digest(record)}' "
        f"WHERE id = {record_id}",
    )


def test_an_intact_chain_comes_out_of_its_ranges_whole(work: Any, joined: list[Any]) -> None:
    found = in_ranges(work)
    assert found == one_walk(work)
    assert found[:2] == (None, RECORDS)
    assert joined == [found]  # the workers' ranges, not one walk


@pytest.mark.parametrize(
    ("statements", "broken"),
    [
        # inside the second range, and the third
        (["UPDATE audit_record SET target = 'x' WHERE id = 6"], (6, "its content")),
        (["DELETE FROM audit_record WHERE id = 6"], (6, "record 6 is missing")),
        (["UPDATE audit_record SET prev_hash = hash WHERE id = 7"], (7, "its link")),
        (["UPDATE audit_record SET actor = 'x' WHERE id = 11"], (11, "its content")),
        # at the seam between the first range and the second
        (["DELETE FROM audit_record WHERE id = 5"], (5, "record 5 is missing")),
        (["DELETE FROM audit_record WHERE id = 4"], (4, "record 4 is missing")),
        (["DELETE FROM audit_record WHERE id IN (3, 4, 5)"], (3, "record 3 is missing")),
        (["UPDATE audit_record SET target = 'x' WHERE id = 4"], (4, "its content")),
        (["UPDATE audit_record SET prev_hash = hash WHERE id = 5"], (5, "its link")),
        # the first break wins, whichever range finds it
        (
            [
                "UPDATE audit_record SET target = 'x' WHERE id = 10",
                "UPDATE audit_record SET target = 'x' WHERE id = 6",
            ],
            (6, "its content"),
        ),
        # the head
        (["UPDATE audit_record SET target = 'x' WHERE id = 12"], (12, "its content")),
        (["DELETE FROM audit_record WHERE id = 12"], None),
    ],
)
def test_a_break_anywhere_is_named_as_one_walk_names_it(
    work: Any, engine: Any, joined: list[Any], statements: list[str], broken: Any
) -> None:
    tamper(engine, *statements)

    found = in_ranges(work)

    assert found == one_walk(work)
    assert joined == [found]
    if broken is None:
        assert found[0] is None
    else:
        broken_at, problem = broken
        assert (found[0].record_id, found[0].problem.startswith(problem)) == (broken_at, True)
        assert found[1] == broken_at - 1


@pytest.mark.parametrize("record_id", [4, 5, 6])
def test_a_rechained_edit_breaks_the_next_link_across_a_seam(
    work: Any, engine: Any, joined: list[Any], record_id: int
) -> None:
    rechain(engine, record_id)

    found = in_ranges(work)

    assert found == one_walk(work)
    assert joined == [found]
    assert (found[0].record_id, found[0].problem, found[1]) == (
        record_id + 1,
        "its link to the previous record is broken",
        record_id,
    )


def test_ranges_that_do_not_fit_together_give_way_to_one_walk(
    work: Any, joined: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chain_ranges, "_collect", lambda worker: None)  # a worker failed

    found = in_ranges(work)

    assert joined == [None]
    assert found == one_walk(work)
    assert found[:2] == (None, RECORDS)


def test_a_short_chain_starts_no_worker(work: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with work() as ctx:
        audit.record(ctx.session, SYSTEM, AT, action="x", target="t", account_id=None)
    monkeypatch.setattr(chain_ranges, "_launch", None)  # calling it would fail
    assert chain_ranges.ranges(chain_ranges.PARALLEL_FROM - 1, 8) == [
        (1, chain_ranges.PARALLEL_FROM - 1)
    ]
    assert in_ranges(work)[:2] == (None, 1)


def test_ranges_cover_every_id_once() -> None:
    for head in (50_000, 50_001, 1_000_000, 999_999):
        for parts in (2, 3, 4):
            spans = chain_ranges.ranges(head, parts)
            assert len(spans) == parts
            assert [first for first, _ in spans[1:]] == [last + 1 for _, last in spans[:-1]]
            assert (spans[0][0], spans[-1][1]) == (1, head)


def test_db_check_names_a_break_in_a_later_range(work: Any, engine: Any, joined: list[Any]) -> None:
    from fpctl.services import maintenance

    tamper(engine, "DELETE FROM audit_record WHERE id = 9")  # the first of the third range

    chain = {check.name: check for check in maintenance.check(engine).checks}["audit_chain"]

    assert joined and joined[0] is not None  # the workers' ranges, fitted together
    assert (chain.ok, chain.detail) == (False, "broken at record 9: record 9 is missing")
    assert chain.facts == {"records": 8, "head": one_walk(work)[2], "broken_at": 9}


def test_a_worker_that_cannot_start_gives_way_to_one_walk(
    work: Any, joined: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_process(*_: Any) -> Any:
        raise OSError("no process left")

    monkeypatch.setattr(chain_ranges, "_launch", no_process)

    assert in_ranges(work) == one_walk(work)
    assert joined == []
