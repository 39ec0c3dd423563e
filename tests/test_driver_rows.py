"""Reading many rows fast reads them as the ORM does (services/driver_rows.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from fpctl.clock import iso
from fpctl.services.chain_walk import iso_at
from fpctl.services.driver_rows import instant_reader, iso_reader

DIALECT = sqlite.dialect()
stored = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(
    lambda at: at.isoformat(sep=" ", timespec="microseconds")
)  # as SQLAlchemy keeps an instant in SQLite
near_stored = stored.flatmap(
    lambda text: st.sampled_from(
        [text, text.replace("-", "/"), text[:19], text.replace("0", "٠"), text + "Z"]
    )
)
bad_dates = st.from_regex(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}", fullmatch=True
)


def outcome(read: Any, value: Any) -> tuple[str, Any]:
    try:
        return "ok", read(value)
    except (ValueError, TypeError) as error:
        return "error", type(error)


@settings(max_examples=400, deadline=None)
@given(near_stored | bad_dates | st.text(max_size=30))
def test_an_instant_reads_as_the_orm_reads_it(value: str) -> None:
    read, iso_of = instant_reader(DIALECT), iso_reader(DIALECT)
    expected = outcome(lambda text: iso(read(text)), value)
    assert outcome(iso_of, value) == expected


@settings(max_examples=400, deadline=None)
@given(near_stored | bad_dates | st.text(max_size=30) | st.datetimes())
def test_a_records_instant_reads_as_verify_always_read_it(value: Any) -> None:
    def as_written(value: Any) -> str | None:
        return iso(value if isinstance(value, datetime) else datetime.fromisoformat(value))

    assert outcome(iso_at, value) == outcome(as_written, value)
