"""Email addresses: trimmed, NFC, case-folded, validated by email-validator (SPEC §3.7)."""

from __future__ import annotations

import re
import unicodedata

from fpctl.errors import InvalidInput

# Zero-width and bidi controls make two addresses look alike; no real address needs them.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def normalize_email(text: str) -> str:
    """The canonical form we store and compare; raises InvalidInput when malformed."""
    candidate = unicodedata.normalize("NFC", text.strip())
    if not candidate or _INVISIBLE.search(candidate) or any(ch.isspace() for ch in candidate):
        raise InvalidInput(f"{text!r} is not a valid email address")
    from email_validator import EmailNotValidError, validate_email

    try:
        # test_environment admits the reserved .test domain (demo data and test suites use it).
        checked = validate_email(candidate, check_deliverability=False, test_environment=True)
    except EmailNotValidError as error:
        raise InvalidInput(f"{text!r} is not a valid email address: {error}") from None
    # Case folding can decompose a character (ǰ → j + U+030C): compose again, so the
    # stored form is NFC and normalizing it twice gives the same address.
    return unicodedata.normalize("NFC", checked.normalized.casefold())
