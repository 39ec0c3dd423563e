"""The audit record's digest: the fast encoding writes the very bytes ``json.dumps`` did, so
every chain ever written still verifies (domain/chain.py)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fpctl.clock import iso
from fpctl.domain.chain import HASHED_FIELDS, digest, encode_content
from fpctl.services.audit import canonical_changes


def digest_as_written(record: dict[str, Any]) -> str:
    """The digest as it was first written (kept here as the reference)."""
    content = [iso(record["at"]) if name == "at" else record[name] for name in HASHED_FIELDS]
    if record.get("covers") is not None:
        content.append(record["covers"])
    payload = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def outcome(function: Any, record: dict[str, Any]) -> tuple[str, Any]:
    """What ``function`` gives, or the kind of error it raises (a lone surrogate cannot be
    encoded: both must refuse it alike)."""
    try:
        return "ok", function(record)
    except (UnicodeEncodeError, ValueError) as error:
        return "error", type(error)


BIG = 2**200
texts = st.text(max_size=40)  # every code point: non-ASCII, controls, quotes, surrogates
ints = st.integers(min_value=-BIG, max_value=BIG)
scalars = st.none() | st.booleans() | ints | texts | st.floats(allow_nan=False)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)
changes = st.dictionaries(texts, st.tuples(json_values, json_values), max_size=5).map(
    canonical_changes
)
instants = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.none()
).flatmap(
    lambda naive: st.sampled_from(
        [naive, naive.replace(tzinfo=UTC), naive.replace(tzinfo=timezone(timedelta(hours=5)))]
    )
)
covers_texts = st.none() | texts | st.just('{"ledger_entry":[[1,3]],"sha256":"' + "a" * 64 + '"}')
records = st.fixed_dictionaries(
    {
        "id": ints,
        "at": instants,
        "account_id": st.none() | ints,
        "actor": texts,
        "actor_kind": st.sampled_from(["member", "freelancer", "support", "system"]) | texts,
        "agent": st.none() | texts,
        "reason": st.none() | texts,
        "action": texts,
        "target": texts,
        "changes": changes | texts,
        "prev_hash": st.just("0" * 64) | texts,
        "covers": covers_texts,
    }
)


@settings(max_examples=3000, deadline=None)
@given(records)
def test_the_digest_is_the_one_json_dumps_gave(record: dict[str, Any]) -> None:
    assert outcome(digest, record) == outcome(digest_as_written, record)


@settings(max_examples=500, deadline=None)
@given(st.lists(json_values | st.floats(), max_size=12))
def test_the_content_encoding_is_json_dumps(content: list[Any]) -> None:
    assert encode_content(content) == json.dumps(content, ensure_ascii=False, separators=(",", ":"))


CORPUS = [
    {
        "id": 1,
        "at": datetime(2026, 11, 1, 9, 30, 15, 123456, tzinfo=UTC),
        "account_id": None,
        "actor": "system",
        "actor_kind": "system",
        "agent": None,
        "reason": None,
        "action": "account.create",
        "target": "account:acme-studio",
        "changes": canonical_changes({"name": (None, "Acme Studio"), "credits_cents": (0, 10**30)}),
        "prev_hash": "0" * 64,
    },
    {
        "id": 2**63 - 1,
        "at": datetime(2026, 11, 1, 9, 30),  # naive: stored as UTC
        "account_id": 7,
        "actor": "zoë.ødegård@例え.jp",
        "actor_kind": "member",
        "agent": 'sam\u2028\u0000\t"\\',
        "reason": "tårta 🎂 \u007f\x1f",
        "action": "order.place",
        "target": "order:27 note:3",
        "changes": canonical_changes(
            {"brief": (None, {"lines": ["a", {"b": [1, None, True, 2.5]}]}), "x": ([], {})}
        ),
        "prev_hash": "f" * 64,
        "covers": '{"ledger_entry":[[1,3],[5,5]],"sha256":"' + "0" * 64 + '"}',
    },
    {**dict.fromkeys(HASHED_FIELDS, None), "at": datetime(2026, 1, 1, tzinfo=UTC)},
]


@pytest.mark.parametrize("record", CORPUS)
def test_a_fixed_corpus_keeps_its_digests(record: dict[str, Any]) -> None:
    assert digest(record) == digest_as_written(record)


def test_the_digest_of_a_known_record_never_changes() -> None:
    """A hash written years ago must still verify: this one is pinned."""
    assert [digest(CORPUS[0]), digest(CORPUS[1])] == [
        "faf48f7afab33da7826eb03c05f0626474214d9fc640f7cd2525a2792a81a9e2",
        "22f172409cbf3fab7c2a03e3f7ddd2101b7d0997d395d6e561c46ba50822b900",
    ]
