"""Delivered files as commands print them (``order files``, ``order download``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fpctl.clock import iso
from fpctl.views import View

if TYPE_CHECKING:  # only the service's results come here
    from fpctl.services.orders.delivery_files import FileInfo
    from fpctl.services.orders.file_downloads import Written

#: A table's columns, most important first (the hash last: 64 characters).
FILE_COLUMNS = ["id", "name", "size_bytes", "delivery", "revision", "delivered_at", "sha256"]
WRITTEN_COLUMNS = ["id", "name", "path", "size_bytes", "replaced", "sha256"]


def file_view(info: FileInfo) -> View:
    return {
        "id": info.id,
        "order_id": info.order_id,
        "name": info.name,
        "size_bytes": info.size_bytes,
        "sha256": info.sha256,
        "media_type": info.media_type,
        "delivery": info.delivery_id,
        "revision": info.revision,
        "milestone": info.milestone,
        "delivered_by": info.delivered_by,
        "delivered_at": iso(info.delivered_at),
    }


def written_view(written: Written) -> View:
    """A downloaded file: the file as listed, and where it was written."""
    return {
        **file_view(written.file),
        "path": str(written.path),
        "replaced": written.replaced,
    }
