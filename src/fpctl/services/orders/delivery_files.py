"""Deliveries with files (issue 14): the freelancer delivers files with the order, and
everyone who sees the order lists and downloads them.

- ``attach``: called by ``lifecycle.deliver`` for ``order deliver ID --file PATH…``. Each
  path must be a readable regular file; a file over 25 MiB, a delivery over 100 MiB or 20
  files, two files of one name are refused (exit 2) before anything is written. The bytes
  go into the store (``delivery_file``) with their SHA-256, size and media type; the
  delivery's audit record names every file with its hash.
- ``files``: the order's files, oldest first, without their bytes.
- ``download``: one file (by id, or the newest of that name) or all of them, into a folder.
  Each is checked against its hash as read from the store, written to a temporary file
  beside its target, checked again as written, then moved into place; nothing lands when
  one fails. An existing file is never replaced unless ``force``.

Who: the order's freelancer, and everyone who sees the order (``visibility.find``): its
buyer team as the visibility rules say (a removed member's orders are shared with all
members), support, a read with no actor. Another account's order is not found (exit 3).
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sql
from sqlmodel import col, select

from fpctl.domain import files as rules
from fpctl.domain.files import clean_name, size_text
from fpctl.errors import InvalidInput, NotFound, RuleViolation
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


def _query(order: Order) -> Any:
    return (
        sql.select(*_COLUMNS)  # Core's select: eleven columns
        .join(Delivery, col(Delivery.id) == DeliveryFile.delivery_id)
        .where(col(DeliveryFile.order_id) == id_of(order))
        .order_by(col(DeliveryFile.id))
    )


def files(ctx: Context, order_id: int) -> Listing[FileInfo]:
    """The files delivered with an order the actor sees, oldest first (never their bytes)."""
    order = visibility.find(ctx, order_id)
    return Listing(ctx.session, _query(order), lambda row: FileInfo(*row))


# -- downloading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """A file written by ``download``: where, and whether it replaced a file there."""

    file: FileInfo
    path: Path
    replaced: bool


class TargetExists(InvalidInput):
    """A file to write is already there and ``force`` was not given (exit 2)."""

    code = "file_exists"


def download(
    ctx: Context, order_id: int, folder: Path, *, which: str | None = None, force: bool = False
) -> list[Written]:
    """Write the order's files (or the one ``which`` names: an id, or a name) into
    ``folder`` (made if missing); all of them or none."""
    order = visibility.find(ctx, order_id)
    chosen = _chosen(ctx, order, which)
    folder = folder.expanduser()
    planned = _planned(folder, chosen, force=force)
    if not planned:
        return []
    _make_folder(folder)
    with ExitStack() as cleanup:
        staged = [(info, target, _staged(ctx, info, folder, cleanup)) for info, target in planned]
        return [_moved(info, target, temporary, force=force) for info, target, temporary in staged]


def _chosen(ctx: Context, order: Order, which: str | None) -> list[FileInfo]:
    every = [FileInfo(*row) for row in ctx.session.exec(_query(order))]
    if which is None:
        return every
    number = which.strip()
    by_id = [f for f in every if number.isascii() and number.isdigit() and f.id == int(number)]
    by_name = [f for f in every if f.name == which or f.name == clean_name(which)]
    found = by_id or by_name[-1:]  # a name: the newest file of that name
    if not found:
        raise NotFound(
            f"order {order.id} has no file {which}",
            hint=f"fpctl order files {order.id}",
            code="file_not_found",
        )
    return found


def _planned(folder: Path, chosen: list[FileInfo], *, force: bool) -> list[tuple[FileInfo, Path]]:
    """Each file and the path it goes to; refused (nothing written) when a path is taken."""
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"{folder} is not a directory", code="not_a_directory")
    planned = [(info, folder / name) for info, name in zip(chosen, _names(chosen), strict=True)]
    for _, target in planned:
        if target.is_dir():
            raise InvalidInput(f"{target} is a directory: it was left as it is", code="file_exists")
        if not force and os.path.lexists(target):
            raise TargetExists(f"{target} already exists: nothing was written")
    return planned


def _names(chosen: list[FileInfo]) -> list[str]:
    """The names to write: each file's cleaned name; where files share one (a revised
    file keeps its name), the newest keeps it and each older one is prefixed with its id."""
    names = [clean_name(info.name, fallback=f"file-{info.id}") for info in chosen]
    newest: dict[str, int] = {}
    for index, name in enumerate(names):
        newest[name.casefold()] = index
    renamed = [
        name if newest[name.casefold()] == index else clean_name(f"{info.id}-{name}")
        for index, (info, name) in enumerate(zip(chosen, names, strict=True))
    ]
    if len({name.casefold() for name in renamed}) < len(renamed):  # a name like "7-x" was there
        renamed = [
            clean_name(f"{info.id}-{name}") for info, name in zip(chosen, names, strict=True)
        ]
    return renamed


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InvalidInput(f"cannot make {folder}: {error.strerror or error}") from None


def _staged(ctx: Context, info: FileInfo, folder: Path, cleanup: ExitStack) -> Path:
    """The file's bytes, checked against their hash, in a temporary file in ``folder``
    (removed when the download fails), checked again as written."""
    content = ctx.session.exec(select(DeliveryFile.content).where(DeliveryFile.id == info.id)).one()
    if hashlib.sha256(content).hexdigest() != info.sha256 or len(content) != info.size_bytes:
        raise RuleViolation(
            f"file {info.id} ({info.name}) of order {info.order_id} does not match its "
            "SHA-256 in the store: nothing was written",
            hint="fpctl db check",
            code="file_damaged",
        )
    temporary = _write_temporary(folder, content)
    cleanup.callback(_remove, temporary)
    if _hash_of(temporary) != info.sha256:
        raise RuleViolation(
            f"{info.name} did not read back as written in {folder}: nothing was written",
            code="write_failed",
        )
    return temporary


def _write_temporary(folder: Path, content: bytes) -> Path:
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=".fpctl-", suffix=".partial")
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(name, 0o666 & ~_umask())
    except OSError as error:
        raise InvalidInput(f"cannot write in {folder}: {error.strerror or error}") from None
    return Path(name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _hash_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _remove(path: Path) -> None:
    with suppress(FileNotFoundError):
        path.unlink()


def _moved(info: FileInfo, target: Path, temporary: Path, *, force: bool) -> Written:
    """Into place: replacing only with ``force``; without it a hard link, which fails
    rather than replace a file that appeared meanwhile."""
    existed = os.path.lexists(target)
    try:
        if force:
            os.replace(temporary, target)
        else:
            _link(temporary, target)
    except FileExistsError:
        raise TargetExists(f"{target} already exists: it was not replaced") from None
    except OSError as error:
        raise InvalidInput(f"cannot write {target}: {error.strerror or error}") from None
    return Written(info, target, replaced=existed)


def _link(temporary: Path, target: Path) -> None:
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if os.path.lexists(target):
            raise FileExistsError(str(target)) from None
        os.replace(temporary, target)
        return
    temporary.unlink()
