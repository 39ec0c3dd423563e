"""Names and free text: stored as given, checked only for what no person types."""

from __future__ import annotations

import re
import unicodedata

from fpctl.errors import InvalidInput

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_USERNAME = re.compile(r"^[a-z0-9_.-]{2,30}$", re.ASCII)


def require_text(value: str, what: str, *, max_length: int = 200) -> str:
    """A required one-line text such as a name: trimmed, non-empty, bounded."""
    cleaned = value.strip()
    if not cleaned:
        raise InvalidInput(f"{what} cannot be empty")
    if len(cleaned) > max_length:
        raise InvalidInput(f"{what} is longer than {max_length} characters")
    return cleaned


#: The longest text each kind of field takes: a name or a title; a reason, an address or
#: a description; a document someone writes (requirements, a review). Longer is exit 2.
SHORT_TEXT, LONG_TEXT, DOCUMENT_TEXT = 200, 2_000, 10_000


def within(value: str, what: str, max_length: int) -> str:
    """``value`` as it is, when it is at most ``max_length`` characters long."""
    if len(value) > max_length:
        raise InvalidInput(f"{what} is longer than {max_length:,} characters")
    return value


def has_visible_text(value: str) -> bool:
    """Something a reader sees: not only spaces, control, format (zero-width, bidi) or
    unassigned characters."""
    return any(unicodedata.category(char)[0] not in "ZC" for char in value)


def slugify(name: str) -> str:
    """A URL-safe slug from a display name: ``Acme Studio`` → ``acme-studio``."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    return slug[:63].strip("-") or "account"


def validate_slug(slug: str) -> str:
    cleaned = slug.strip().casefold()
    if not _SLUG.match(cleaned):
        raise InvalidInput(
            f"{slug!r} is not a valid slug",
            hint="use lowercase letters, digits and hyphens (at most 63), e.g. acme-studio",
        )
    return cleaned


def normalize_username(text: str) -> str:
    """``@Bob_K`` → ``bob_k``: letters, digits, ``_``, ``.`` and ``-``; 2 to 30 of them."""
    cleaned = text.strip().removeprefix("@").casefold()
    if not _USERNAME.match(cleaned):
        raise InvalidInput(
            f"{text!r} is not a valid username",
            hint="use 2 to 30 letters, digits, '_', '.' or '-', e.g. bob or jane.doe",
            code="invalid_username",
        )
    return cleaned
