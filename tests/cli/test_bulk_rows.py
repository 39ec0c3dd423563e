"""Bulk files read row by row exactly as csv.DictReader read them (cli/bulk.py reads with
csv.reader, a dict per row only of the header's names)."""

from __future__ import annotations

import csv

from hypothesis import given
from hypothesis import strategies as st

from fpctl.cli.bulk import rows


def _dict_reader_rows(text: str) -> list[dict[str, str]]:
    """What ``rows`` gave for a file with a header when it read with csv.DictReader."""
    lines = [line for line in text.splitlines() if line.strip()]
    names = [name.strip().casefold() for name in next(csv.reader(lines[:1]))]
    return [
        {k: v.strip() for k, v in record.items() if isinstance(k, str) and isinstance(v, str)}
        for record in csv.DictReader(lines[1:], fieldnames=names)
        if any(v.strip() for v in record.values() if isinstance(v, str))
    ]


def test_short_long_repeated_and_blank_rows() -> None:
    # " c@x.test " is short: the header's second email column is past its end, so no email.
    text = "Email,role,email\na@x.test,member,b@x.test\n c@x.test \n\n , ,\n,,d@x.test,extra\n"

    assert list(rows(text, key="email")) == [
        {"email": "b@x.test", "role": "member"},
        {"email": "d@x.test", "role": ""},
    ]
    assert list(rows(text, key="email")) == _dict_reader_rows(text)


_CELL = st.text(alphabet=st.sampled_from('ab@. ,"\t\r\n\u00a0é'), max_size=8)


@given(
    st.lists(st.sampled_from(["role", "Email ", "name", ""]), max_size=3),
    st.lists(st.lists(_CELL, max_size=5), max_size=6),
)
def test_any_file_reads_as_dict_reader_read_it(header: list[str], records: list[list[str]]) -> None:
    text = "\n".join(",".join(line) for line in [["email", *header], *records])

    assert list(rows(text, key="email")) == _dict_reader_rows(text)
