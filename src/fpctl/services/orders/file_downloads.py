"""Downloading an order's delivered files (``order download``): one file (by id, or the
newest of that name) or all of them, into a folder.

Each file is checked against its SHA-256 as read from the store, written to a temporary
file beside its target, flushed, read back and checked again, then moved into place; all
are staged before the first is moved, so nothing lands when one fails. An existing file
is never replaced unless ``force``. Who may: whoever sees the order
(``delivery_files``); downloads change nothing in the store.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select

from fpctl.domain.files import clean_name
from fpctl.errors import InvalidInput, NotFound, RuleViolation
from fpctl.services.context import Context
from fpctl.services.orders import visibility
from fpctl.services.orders.delivery_files import FileInfo, files_query
from fpctl.store.tables import DeliveryFile, Order


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
    every = [FileInfo(*row) for row in ctx.session.exec(files_query(order))]
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
