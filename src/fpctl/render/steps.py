"""What can happen next (``order next``), for people: one block per step, its command on a
line of its own that is never wrapped, so it copies as it is."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from fpctl.render.safe import safe_text


def write_steps(steps: Sequence[Mapping[str, Any]], title: str, out: TextIO) -> None:
    width = max(40, shutil.get_terminal_size().columns)
    out.write(safe_text(title) + "\n")
    if not steps:
        out.write("  (nothing can happen now)\n")
    for step in steps:
        who = safe_text(str(step["who"]))
        by = f", by {step['by']}" if step.get("by") else ""
        out.write(f"\n  {safe_text(str(step['action']))}: {who}{by}\n")
        if step.get("note"):
            note = safe_text(str(step["note"]))
            out.write(textwrap.fill(note, width, initial_indent="    ", subsequent_indent="    "))
            out.write("\n")
        if step.get("command"):
            out.write(f"    {safe_text(str(step['command']))}\n")
