"""Where the store lives. Standard library only: completions read it without the ORM."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fpctl.errors import InvalidInput


@dataclass(frozen=True)
class StoreLocation:
    url: str
    path: Path | None  # the SQLite file, when the store is one


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("fpctl", appauthor=False) / "fpctl.db"


def _path_from_sqlite_url(url: str) -> Path | None:
    rest = url.split("://", 1)[1] if "://" in url else ""
    if not rest.startswith("/") or rest in ("/", "/:memory:"):
        return None
    return Path(rest[1:].split("?", 1)[0])


def resolve(db: str | None = None) -> StoreLocation:
    """``FPCTL_DATABASE_URL`` wins over ``--db``/``FPCTL_DB``, which win over the default."""
    url = os.environ.get("FPCTL_DATABASE_URL")
    if url:
        if not url.startswith("sqlite"):
            scheme = url.split(":", 1)[0]
            raise InvalidInput(
                f"FPCTL_DATABASE_URL uses {scheme!r}: this version of fpctl stores data in SQLite",
                hint="use a sqlite:/// URL, or --db PATH",
            )
        return StoreLocation(url=url, path=_path_from_sqlite_url(url))
    path = Path(db or os.environ.get("FPCTL_DB") or default_path()).expanduser()
    return StoreLocation(url=f"sqlite:///{path}", path=path)
