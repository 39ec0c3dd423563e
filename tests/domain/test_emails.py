"""Emails: one canonical form (trimmed, NFC, case-folded) and nothing that looks alike."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fpctl.domain.emails import normalize_email
from fpctl.errors import InvalidInput


@pytest.mark.parametrize(
    ("given_", "stored"),
    [
        ("ada@acme.test", "ada@acme.test"),
        ("  Ada@Acme.TEST\n", "ada@acme.test"),
        ("ÉLODIE@acme.test", "élodie@acme.test"),
        ("E\u0301lodie@acme.test", "élodie@acme.test"),  # decomposed É → the same address
        ("Straße@acme.test", "strasse@acme.test"),  # case-folding, not lower()
        ("ǰ@acme.test", unicodedata.normalize("NFC", "ǰ@acme.test")),  # folds, then composes
    ],
)
def test_normalized(given_: str, stored: str) -> None:
    assert normalize_email(given_) == stored
    assert unicodedata.is_normalized("NFC", normalize_email(given_))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "ada",
        "ada@",
        "@acme.test",
        "ada@@acme.test",
        "ada@acme",
        "a da@acme.test",
        "ada@acme.test\u200b",  # zero-width space
        "a\u200bda@acme.test",
        "a\u200dda@acme.test",  # zero-width joiner
        "\ufeffada@acme.test",  # BOM
        "ada\u202e@acme.test",  # right-to-left override
        "ada\u2066@acme.test",  # bidi isolate
        "ada\u200f@acme.test",  # right-to-left mark
    ],
)
def test_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        normalize_email(text)
    assert refused.value.message.startswith(f"{text!r} is not a valid email address")


def test_message_names_the_problem() -> None:
    with pytest.raises(InvalidInput) as refused:
        normalize_email("bad")
    assert refused.value.message == (
        "'bad' is not a valid email address: An email address must have an @-sign."
    )


@given(
    local=st.text(alphabet="abcxyzABCÉéßǰΐ0129._-", min_size=1, max_size=12),
    domain=st.sampled_from(["acme.test", "ACME.test", "exämple.test"]),
)
def test_normalizing_twice_changes_nothing(local: str, domain: str) -> None:
    try:
        once = normalize_email(f"{local}@{domain}")
    except InvalidInput:
        return
    assert normalize_email(once) == once
    assert normalize_email(once.upper()) == once
