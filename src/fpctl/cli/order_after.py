"""fpctl order: more order commands (registered on the `order` group)."""

from __future__ import annotations

from fpctl.cli.order import app  # noqa: F401
