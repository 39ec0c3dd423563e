"""Where the store lives. Standard library only: completions read it without the ORM.

The embedded default is a SQLite file; a shared store is a PostgreSQL database named by
``FPCTL_DATABASE_URL`` (``postgresql://USER@HOST:PORT/DB``; the password from the URL,
``PGPASSWORD`` or ``~/.pgpass``). Its driver, psycopg 3, is the ``postgres`` extra.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from fpctl.errors import InvalidInput

#: The URL schemes a shared store may use, and the one SQLAlchemy is given for each.
POSTGRES_SCHEMES = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
}
POSTGRES_EXTRA = 'pip install "fpctl[postgres]"'


@dataclass(frozen=True)
class StoreLocation:
    url: str
    path: Path | None  # the SQLite file, when the store is one

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return "postgresql" if self.url.startswith("postgresql") else "sqlite"

    @property
    def shown(self) -> str:
        """The URL to print: never its password."""
        return without_password(self.url)


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
        return named(url)
    return named(db or os.environ.get("FPCTL_DB") or str(default_path()))


def named(target: str) -> StoreLocation:
    """The store a URL (``postgresql://...``, ``sqlite:///...``) or a file path names."""
    if target.startswith("sqlite:"):
        path = _path_from_sqlite_url(target)
        if path is None:  # sqlite://, sqlite:///:memory:: gone when the command ends
            raise InvalidInput(
                f"{target} names no file: a store in memory would be lost when fpctl ends",
                hint="use sqlite:////absolute/path.db, or --db PATH",
            )
        return StoreLocation(url=target, path=path)
    if "://" in target:
        return StoreLocation(url=_postgres_url(target), path=None)
    path = Path(target).expanduser()
    return StoreLocation(url=f"sqlite:///{path}", path=path)


def _postgres_url(url: str) -> str:
    scheme, _, rest = url.partition("://")
    if scheme not in POSTGRES_SCHEMES or not rest:
        raise InvalidInput(
            f"the store URL uses {scheme!r}: fpctl stores data in SQLite or PostgreSQL",
            hint="use postgresql://USER@HOST:PORT/DB, a sqlite:/// URL, or --db PATH",
        )
    try:
        urlsplit(url).port  # noqa: B018 - a port that is no number, an unclosed [IPv6
    except ValueError as error:
        raise InvalidInput(
            f"{url if '@' not in url else scheme + '://…'} is not a valid store URL: {error}",
            hint="use postgresql://USER@HOST:PORT/DB",
        ) from None
    if importlib.util.find_spec("psycopg") is None:
        raise InvalidInput(
            "a PostgreSQL store needs its driver, psycopg 3, which is not installed",
            hint=f"install the extra: {POSTGRES_EXTRA}",
            code="driver_missing",
        )
    return f"{POSTGRES_SCHEMES[scheme]}://{rest}"


def without_password(url: str) -> str:
    """``postgresql+psycopg://ada:***@host/db``: a URL fit to print or record."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    netloc = f"{parts.username}:***@{host}{port}"
    return urlunsplit(parts._replace(netloc=netloc))
