"""Who runs fpctl: the operator every audit record names (SPEC §3.2).

Its own module because both the actor resolution (``services.actors``) and the system's
unit of work (``Context.system``, which settles time rules) need it, and the one imports
the other.
"""

from __future__ import annotations

import getpass
import os

#: The operator's name when the environment gives none (no FPCTL_AGENT, no login name).
UNKNOWN = "unknown"


def agent_name() -> str:
    """``FPCTL_AGENT``, else the OS login name, else ``unknown``: never empty."""
    named = os.environ.get("FPCTL_AGENT", "").strip()
    if named:
        return named
    try:
        login = getpass.getuser().strip()
    except (KeyError, OSError, ImportError):  # no LOGNAME/USER and no passwd entry
        login = ""
    # A login name in another encoding arrives as lone surrogates, which no store writes.
    login = login.encode(errors="surrogateescape").decode(errors="replace")
    return login or UNKNOWN
