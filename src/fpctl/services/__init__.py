"""Use cases: load → check (domain) → change → audit. They take a Context, never print,
prompt or exit, and only ``flush()``: whoever opened the unit of work (``work``) owns the
transaction.

Grouped by subject: ``team``, ``orders``, ``money``, ``network``; beside them the modules
every subject may use (``work``, ``context``, ``actors``, ``lookups``, ``audit``,
``order_audit``, ``approval_requests``) and those that use the subjects (``approvals``,
``settle``, ``permissions``, ``dashboard``, ``demo``, ``maintenance``). No import cycle, at
any depth: ``lint-imports`` checks it (docs/architecture.md).
"""
