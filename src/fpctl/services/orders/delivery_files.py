"""Deliveries with files (issue 14): the freelancer delivers files with the order, and
everyone who sees the order lists them (``file_downloads`` writes them out).

- ``attach``: called by ``lifecycle.deliver`` for ``order deliver ID --file PATH…``. Each
  path must be a readable regular file; a file over 25 MiB, a delivery over 100 MiB or 20
  files, two files of one name are refused (exit 2) before anything is written. The bytes
  go into the store (``delivery_file``) with their SHA-256, size and media type; the
  delivery's audit record names every file with its hash.
- ``files``: the order's files, oldest first, without their bytes.

Who: the order's freelancer, and everyone who sees the order (``visibility.find``): its
buyer team as the visibility rules say (a removed member's orders are shared with all
members), support, a read with no actor. Another account's order is not found (exit 3).
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sql
from sqlmodel import col

from fpctl.domain import files as rules
from fpctl.domain.files import clean_name, size_text
from fpctl.errors import InvalidInput
from fpctl.services.context import Context
from fpctl.services.listing import Listing
from fpctl.services.orders import visibility
from fpctl.store.rows import id_of
from fpctl.store.tables import Delivery, DeliveryFile, Order

#: The limits in force (tests lower them to reach the boundaries cheaply).
LIMITS = rules.LIMITS

Changes = dict[str, tuple[Any, Any]]


@dataclass(frozen=True)
class Upload:
    """A file read for a delivery, checked, not yet stored."""

    name: str
    content: bytes
    sha256: str
    media_type: str


# -- delivering ----------------------------------------------------------------------------


def attach(
    ctx: Context, order: Order, paths: Sequence[Path | str], *, milestone: int | None
) -> Changes:
    """Store the files of this delivery of ``order``; the changes its audit record adds."""
    uploads = read_uploads(paths)
    delivery = Delivery(
        order_id=id_of(order),
        revision=order.revisions_used,
        milestone=milestone,
        delivered_by=ctx.actor.label,
        delivered_at=ctx.now,
    )
    ctx.session.add(delivery)
    ctx.session.flush()
    stored = [
        DeliveryFile(
            delivery_id=id_of(delivery),
            order_id=id_of(order),
            name=upload.name,
            size_bytes=len(upload.content),
            sha256=upload.sha256,
            media_type=upload.media_type,
            content=upload.content,
            created_at=ctx.now,
        )
        for upload in uploads
    ]
    ctx.session.add_all(stored)
    ctx.session.flush()
    named = [
        {"id": row.id, "name": row.name, "size_bytes": row.size_bytes, "sha256": row.sha256}
        for row in stored
    ]
    return {"delivery": (None, delivery.id), "files": (None, named)}


def read_uploads(paths: Sequence[Path | str]) -> list[Upload]:
    """Read and check every file of one delivery (exit 2 on the first that fails)."""
    limits = LIMITS
    if len(paths) > limits.files:
        raise InvalidInput(
            f"{len(paths)} files in one delivery: at most {limits.files}",
            hint="deliver fewer files, or put them in one archive",
            code="too_many_files",
        )
    uploads: list[Upload] = []
    total = 0
    for path in paths:
        upload = _read(Path(path), limits, total)
        total += len(upload.content)
        if any(upload.name.casefold() == other.name.casefold() for other in uploads):
            raise InvalidInput(
                f"two files of this delivery are named {upload.name}",
                hint="rename one of them: a delivery's file names are unique",
                code="duplicate_file_name",
            )
        uploads.append(upload)
    return uploads


def _read(path: Path, limits: rules.Limits, total: int) -> Upload:
    """One file, when it fits the limits with the ``total`` bytes read before it."""
    most = min(limits.per_file, limits.per_delivery - total)
    content = _content(path, most, lambda size: _too_large(path, size, limits, total))
    name = clean_name(path.name)
    return Upload(
        name=name,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        media_type=media_type(name),
    )


def media_type(name: str) -> str:
    """The type Python's own table gives the name's extension: the same answer on every
    machine (``mimetypes.guess_type`` would also read /etc/mime.types)."""
    return _types().guess_type(name, strict=False)[0] or "application/octet-stream"


@cache
def _types() -> mimetypes.MimeTypes:
    return mimetypes.MimeTypes()


def _content(path: Path, most: int, too_large: Callable[[int], InvalidInput]) -> bytes:
    """The bytes of the regular file ``path``, at most ``most`` of them (exit 2 otherwise:
    a file too large is refused from its size, before it is read)."""
    try:
        with path.open("rb") as file:
            kind = os.fstat(file.fileno())
            if stat.S_ISDIR(kind.st_mode):
                raise _unusable(path, "is a directory: give each file with its own --file")
            if not stat.S_ISREG(kind.st_mode):
                raise _unusable(path, "is not a regular file")
            if kind.st_size > most:
                raise too_large(kind.st_size)
            content = file.read(most + 1)  # the file may grow while it is read
    except FileNotFoundError:
        raise _unusable(path, "does not exist", code="file_missing") from None
    except IsADirectoryError:
        raise _unusable(path, "is a directory: give each file with its own --file") from None
    except (OSError, ValueError) as error:  # no permission, a NUL in the path, …
        reason = getattr(error, "strerror", None) or str(error)
        raise _unusable(path, f"cannot be read ({reason})") from None
    if len(content) > most:
        raise too_large(len(content))
    return content


def _unusable(path: Path, why: str, *, code: str = "file_unreadable") -> InvalidInput:
    return InvalidInput(f"{path} {why}", code=code)


def _too_large(path: Path, size: int, limits: rules.Limits, total: int) -> InvalidInput:
    if size > limits.per_file:
        return InvalidInput(
            f"{path} is {size:,} bytes: over the limit of {size_text(limits.per_file)} "
            f"({limits.per_file:,} bytes) a file",
            hint="compress it, or split it into several files",
            code="file_too_large",
        )
    return InvalidInput(
        f"the delivery's files come to {total + size:,} bytes (with {path}): over the limit "
        f"of {size_text(limits.per_delivery)} ({limits.per_delivery:,} bytes) a delivery",
        hint="deliver the rest in a later delivery, or compress them",
        code="delivery_too_large",
    )


# -- listing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileInfo:
    """A delivered file as listed: everything but its bytes."""

    id: int
    order_id: int
    delivery_id: int
    revision: int
    milestone: int | None
    name: str
    size_bytes: int
    sha256: str
    media_type: str
    delivered_by: str
    delivered_at: Any  # datetime


_COLUMNS = (
    col(DeliveryFile.id),
    col(DeliveryFile.order_id),
    col(DeliveryFile.delivery_id),
    col(Delivery.revision),
    col(Delivery.milestone),
    col(DeliveryFile.name),
    col(DeliveryFile.size_bytes),
    col(DeliveryFile.sha256),
    col(DeliveryFile.media_type),
    col(Delivery.delivered_by),
    col(Delivery.delivered_at),
)


def files_query(order: Order) -> Any:
    """The order's files as ``FileInfo`` rows, oldest first (never their bytes)."""
    return (
        sql.select(*_COLUMNS)  # Core's select: eleven columns
        .join(Delivery, col(Delivery.id) == DeliveryFile.delivery_id)
        .where(col(DeliveryFile.order_id) == id_of(order))
        .order_by(col(DeliveryFile.id))
    )


def files(ctx: Context, order_id: int) -> Listing[FileInfo]:
    """The files delivered with an order the actor sees, oldest first (never their bytes)."""
    order = visibility.find(ctx, order_id)
    return Listing(ctx.session, files_query(order), lambda row: FileInfo(*row))
