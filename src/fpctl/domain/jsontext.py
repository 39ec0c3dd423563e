"""JSON text as ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` writes it,
with the encoder made once instead of on every call (a million audit records, or rows of
a list, each encoded): the hashed content of an audit record (chain.py), and every row
``-o json`` and ``-o ndjson`` print (render/output.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any


def compact_encoder(
    *, sort_keys: bool = False, default: Callable[[Any], Any] | None = None
) -> Callable[[Any], str]:
    """``json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=…,
    default=…)`` with the encoder made once: the same C encoder ``json.dumps`` builds for
    these arguments, given the arguments ``JSONEncoder.iterencode`` gives it, but no
    circular-reference markers (what is encoded is data read or built for output, never a
    container that holds itself)."""
    plain = json.JSONEncoder(
        ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys, default=default
    )
    if c_make_encoder is None:  # an interpreter without the C accelerator
        return plain.encode
    encode = c_make_encoder(
        None, plain.default, encode_basestring, None, ":", ",", sort_keys, False, True
    )
    return lambda value: "".join(encode(value, 0))


#: ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``.
compact = compact_encoder()
