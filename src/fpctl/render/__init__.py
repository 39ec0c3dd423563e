"""All output: one ``emit`` for table, json, ndjson, csv and tsv. Rich is loaded only to
draw a table; machine formats never pass through it."""

from fpctl.render.output import FORMATS, Format, emit, emit_error, note

__all__ = ["FORMATS", "Format", "emit", "emit_error", "note"]
