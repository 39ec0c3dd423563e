"""Slugs and required text."""

from __future__ import annotations

import pytest

from fpctl.domain.text import require_text, slugify, validate_slug
from fpctl.errors import InvalidInput


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Acme", "acme"),
        ("Acme Studio", "acme-studio"),
        ("  Bob [/] & Co. ", "bob-co"),
        ("Élodie's Café", "lodie-s-caf"),
        ("!!!", "account"),
        ("x" * 80, "x" * 63),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug
    assert validate_slug(slug) == slug


@pytest.mark.parametrize("slug", ["", "-acme", "acme-", "ac me", "acmé", "a" * 64, "a_b"])
def test_invalid_slugs(slug: str) -> None:
    with pytest.raises(InvalidInput):
        validate_slug(slug)


def test_validate_slug_folds_case() -> None:
    assert validate_slug(" Acme ") == "acme"


def test_require_text() -> None:
    assert require_text("  Ada  ", "the name") == "Ada"
    with pytest.raises(InvalidInput, match=r"^the name cannot be empty$"):
        require_text("  ", "the name")
    with pytest.raises(InvalidInput, match=r"^the name is longer than 3 characters$"):
        require_text("abcd", "the name", max_length=3)
