"""The bytes of delivered files, checked against what the store says of them: each file's
size and SHA-256 (``db check``; ``db copy`` and ``db restore`` prove their copy with it)."""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, select

from fpctl.domain.words import counted
from fpctl.services.checks import MAX_PROBLEMS, Check
from fpctl.store.rows import table_of
from fpctl.store.tables import DeliveryFile

#: Rows read per round trip: a file may hold 25 MiB.
ROWS_AT_ONCE = 4


def delivered_files(connection: Connection, tables: set[str]) -> Check:
    """Every delivered file's bytes have the size and SHA-256 recorded beside them."""
    if "delivery_file" not in tables:
        return Check("files", True, "no delivered files in this store")
    files = table_of(DeliveryFile)
    query = select(
        files.c.id, files.c.order_id, files.c.size_bytes, files.c.sha256, files.c.content
    ).order_by(files.c.id)
    rows = connection.execute(
        query.execution_options(stream_results=True, max_row_buffer=ROWS_AT_ONCE)
    )
    problems: list[str] = []
    count = size = 0
    for id_, order_id, size_bytes, sha256, content in rows:
        count, size = count + 1, size + len(content)
        if len(content) != size_bytes or hashlib.sha256(content).hexdigest() != sha256:
            problems.append(f"file {id_} of order {order_id} does not match its size and SHA-256")
    facts = {"files": count, "bytes": size}
    if not problems:
        return Check("files", True, f"{counted(count, 'file')} match their SHA-256", facts=facts)
    return Check("files", False, counted(len(problems), "file"), problems[:MAX_PROBLEMS], facts)
