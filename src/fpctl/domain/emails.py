"""Email addresses: trimmed, NFC, case-folded, validated by email-validator (SPEC §3.7).

Plain ASCII addresses of the common shape take a fast path that gives exactly what the
validator would (``tests/domain/test_emails.py`` checks the two agree): a bulk run of
100,000 rows spent most of its checking time in the validator, and single commands skip
importing it. Everything else goes through email-validator.
"""

from __future__ import annotations

import re
import unicodedata

from fpctl.errors import InvalidInput

# Zero-width and bidi controls make two addresses look alike; no real address needs them.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_COMMON_ASCII = re.compile(
    rf"[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*@(?:{_LABEL}\.)+[a-z]{{2,63}}", re.ASCII
)
# Special-use domains get the validator's verdict (it refuses all but .test here).
_SPECIAL_TLDS = frozenset({"arpa", "invalid", "local", "localhost", "onion"})


def _fast_path(candidate: str) -> str | None:
    """The normalized address, when it is plain ASCII of the common shape; else None."""
    if not candidate.isascii():
        return None
    folded = candidate.lower()
    local, _, domain = folded.partition("@")
    if (
        len(folded) > 254
        or len(local) > 64
        or "--" in domain
        or domain.rsplit(".", 1)[-1] in _SPECIAL_TLDS
        or not _COMMON_ASCII.fullmatch(folded)
    ):
        return None
    return folded


def _validated(candidate: str, text: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        # test_environment admits the reserved .test domain (demo data and test suites use it).
        checked = validate_email(candidate, check_deliverability=False, test_environment=True)
    except EmailNotValidError as error:
        raise InvalidInput(f"{text!r} is not a valid email address: {error}") from None
    # Case folding can decompose a character (ǰ → j + U+030C): compose again, so the
    # stored form is NFC and normalizing it twice gives the same address.
    return unicodedata.normalize("NFC", checked.normalized.casefold())


def normalize_email(text: str) -> str:
    """The canonical form we store and compare; raises InvalidInput when malformed."""
    stripped = text.strip()
    if stripped.isascii():  # NFC leaves ASCII as it is, and the fast path takes no space
        fast = _fast_path(stripped)
        if fast is not None:
            return fast
    candidate = unicodedata.normalize("NFC", stripped)
    if not candidate or _INVISIBLE.search(candidate) or any(ch.isspace() for ch in candidate):
        raise InvalidInput(f"{text!r} is not a valid email address")
    return _fast_path(candidate) or _validated(candidate, text)
