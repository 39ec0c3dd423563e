"""Delivered files: how big they may be, and the name a file is stored and written under.

The stored name is the base name of the path the freelancer gave, cleaned so that it can
be written into any folder on any common system as exactly one new file there: no folder
part (``../x``, ``/etc/x``, ``C:\\x``), no control or bidi character, none of the
characters Windows refuses, no trailing dot or space, not ``.``/``..``, not a name Windows
reserves (``CON``, ``NUL.txt``, ``COM1``…), at most 255 bytes of UTF-8. Downloading cleans
the stored name again, so a store written by another client cannot escape the folder
either.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    per_file: int  # bytes
    per_delivery: int  # bytes, all the delivery's files together
    files: int  # files in one delivery


#: 25 MiB a file, 100 MiB and 20 files a delivery: what an inline attachment is expected
#: to be; a store on PostgreSQL (bytea) or SQLite (BLOB) keeps such rows without trouble.
LIMITS = Limits(per_file=25 * MiB, per_delivery=100 * MiB, files=20)

_MAX_NAME_BYTES = 255
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_WINDOWS = re.compile(r'[<>:"|?*]')
_RESERVED = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$")


def clean_name(raw: str, *, fallback: str = "file") -> str:
    """The name ``raw`` (a path or a name) is stored and written under."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = _WINDOWS.sub("_", _UNSAFE.sub("", name)).strip().rstrip(". ")
    if name in ("", ".", ".."):
        return fallback
    if _RESERVED.match(name):
        name = "_" + name
    return _shortened(name)


def _shortened(name: str) -> str:
    """At most 255 bytes of UTF-8 (what file systems allow), keeping a short extension."""
    if len(name.encode()) <= _MAX_NAME_BYTES:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix.encode()) > 16:
        stem, suffix = name, ""
    keep = _MAX_NAME_BYTES - len(suffix.encode()) - (1 if suffix else 0)
    cut = stem.encode()[:keep].decode(errors="ignore")
    return f"{cut}.{suffix}" if suffix else cut


def size_text(size: int) -> str:
    """``25 MiB``, ``1.5 KiB``, ``12 bytes``: sizes as the limits are written."""
    for unit, scale in (("MiB", MiB), ("KiB", 1024)):
        if size >= scale:
            value = f"{size / scale:.1f}".removesuffix(".0")
            return f"{value} {unit}"
    return "1 byte" if size == 1 else f"{size:,} bytes"
