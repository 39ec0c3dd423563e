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


# -- the ASCII fast path agrees with email-validator ----------------------------------------

_ASCII_ADDRESS = r"[A-Za-z0-9._%+!#'=-]{1,20}@([A-Za-z0-9-]{1,12}\.){1,3}[A-Za-z0-9-]{1,8}"


@given(st.from_regex(_ASCII_ADDRESS, fullmatch=True))
def test_the_fast_path_accepts_only_what_the_validator_accepts_and_agrees_on_the_form(
    address: str,
) -> None:
    from fpctl.domain.emails import _fast_path, _validated

    fast = _fast_path(address)
    if fast is None:
        return  # the validator decides these
    assert fast == _validated(address, address)


@pytest.mark.parametrize(
    "address",
    [
        "a..b@acme.test",
        ".a@acme.test",
        "a@-acme.test",
        "a@acme-.test",
        "a@acme.t",
        "a@xn--abc.test",
        "a@ab--cd.com",
        "a@acme.localhost",
        "a@acme.123",
        "a" * 65 + "@x.com",
    ],
)
def test_the_fast_path_leaves_unusual_addresses_to_the_validator(address: str) -> None:
    from fpctl.domain.emails import _fast_path

    assert _fast_path(address) is None
