"""The hashes of the audit trail, as pure functions of plain values.

A record's ``hash`` is the SHA-256 of the JSON array of its ``HASHED_FIELDS`` (the previous
record's hash among them), so editing or deleting a record breaks every hash after it. A
record that wrote money or points rows also carries ``covers``: which rows (ids by table,
as ranges) and the SHA-256 of their content, so that a ledger or points row that no record
covers, or one edited since, is found by ``db check`` (services/money_seal.py). ``covers``
joins the hashed fields only when set: records written before it existed keep their hash.

These functions are shared by the services and by migration 0007, which covers the rows a
store already had; changing any of them would break every chain ever written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

from fpctl.clock import iso

GENESIS = "0" * 64

#: What a record's hash covers, in this order (the previous hash included).
HASHED_FIELDS = (
    "id",
    "at",
    "account_id",
    "actor",
    "actor_kind",
    "agent",
    "reason",
    "action",
    "target",
    "changes",
    "prev_hash",
)

#: The money and points rows a record covers, and the columns of each that its digest
#: covers (every column, named so that a later column cannot change old digests).
COVERED_FIELDS: dict[str, tuple[str, ...]] = {
    "ledger_entry": (
        "id",
        "account_id",
        "at",
        "kind",
        "order_id",
        "invoice_id",
        "payment_method_id",
        "credits_cents",
        "balance_cents",
        "method_cents",
        "credits_after_cents",
        "balance_after_cents",
        "description",
    ),
    "reward_entry": (
        "id",
        "account_id",
        "at",
        "kind",
        "points",
        "points_after",
        "tier",
        "order_id",
        "invoice_id",
        "reward",
        "charity",
        "value_cents",
        "by",
        "description",
    ),
}

Ranges = list[list[int]]  # [[first, last], ...], ascending


def _content_encoder() -> Callable[[list[Any]], str]:
    """``json.dumps(content, ensure_ascii=False, separators=(",", ":"))``, with its encoder
    made once instead of on every call: the same C encoder, given the same arguments
    ``JSONEncoder.iterencode`` gives it, but no circular-reference markers (a record's
    values are strings and numbers, never a container that could hold itself)."""
    plain = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    if c_make_encoder is None:  # an interpreter without the C accelerator
        return plain.encode
    encode = c_make_encoder(
        None, plain.default, encode_basestring, None, ":", ",", False, False, True
    )
    return lambda content: "".join(encode(content, 0))


#: A record's hashed content (a list) as the JSON text its hash is the SHA-256 of.
encode_content = _content_encoder()


def digest(record: Mapping[str, Any]) -> str:
    """The hash of one audit record (``at`` a datetime, ``covers`` optional)."""
    content = [
        record["id"],
        iso(record["at"]),
        record["account_id"],
        record["actor"],
        record["actor_kind"],
        record["agent"],
        record["reason"],
        record["action"],
        record["target"],
        record["changes"],
        record["prev_hash"],
    ]  # HASHED_FIELDS, in order
    covers_ = record.get("covers")
    if covers_ is not None:
        content.append(covers_)
    return hashlib.sha256(encode_content(content).encode()).hexdigest()


def plain_row(values: Sequence[Any]) -> list[Any]:
    """A covered row's values as its digest sees them (instants to the second, in UTC)."""
    return [iso(value) if isinstance(value, datetime) else value for value in values]


class RowDigest:
    """The SHA-256 of covered rows fed in order: ledger rows by id, then points rows by id."""

    def __init__(self) -> None:
        self._sha = hashlib.sha256()

    def add(self, table: str, values: Sequence[Any]) -> None:
        line = json.dumps([table, *plain_row(values)], ensure_ascii=False, separators=(",", ":"))
        self._sha.update(line.encode())
        self._sha.update(b"\n")

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def ranges(ids: Iterable[int]) -> Ranges:
    """Ascending ids as ``[[first, last], ...]``: a change's rows are mostly consecutive."""
    spans: Ranges = []
    for value in sorted(ids):
        if spans and value == spans[-1][1] + 1:
            spans[-1][1] = value
        else:
            spans.append([value, value])
    return spans


def covers(rows: Mapping[str, Sequence[Sequence[Any]]]) -> str | None:
    """The ``covers`` of a record that wrote ``rows`` (table → rows of COVERED_FIELDS values,
    the id first); None when it wrote none."""
    digest_ = RowDigest()
    spans: dict[str, Ranges] = {}
    for table in COVERED_FIELDS:
        written = sorted(rows.get(table, ()), key=lambda row: row[0])
        for row in written:
            digest_.add(table, row)
        if written:
            spans[table] = ranges(row[0] for row in written)
    if not spans:
        return None
    return json.dumps({**spans, "sha256": digest_.hexdigest()}, separators=(",", ":"))


def parse_covers(text: str) -> tuple[dict[str, Ranges], str]:
    """The ranges by table and the digest of a record's ``covers``."""
    data = json.loads(text)
    return {table: data.get(table, []) for table in COVERED_FIELDS}, data["sha256"]
