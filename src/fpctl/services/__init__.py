"""Use cases: load → check (domain) → change → audit. They take a Context, never print,
prompt or exit, and only ``flush()``: the command owns the transaction."""
