"""fpctl demo seed: a deterministic, realistic store for first runs, CI and benchmarks."""

from __future__ import annotations

from fpctl.cli.options import group

app = group("demo", "Demo data.")
