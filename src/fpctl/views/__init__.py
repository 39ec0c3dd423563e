"""What commands print: a view turns a use case's rows and objects into the stable JSON keys
of SPEC §3.4 (money in ``*_cents``, instants in ISO-8601 UTC), with the columns a table for
people shows. Views read; they never change the store."""

from typing import Any

#: One object as commands print it: JSON-ready keys and values.
View = dict[str, Any]
