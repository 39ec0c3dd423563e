"""`fpctl order deliver --file`, `order files`, `order download` (issue 14, item 2): the
command line's shapes, formats, errors and exit codes. The rules are in
tests/services/test_delivery_files.py."""

from __future__ import annotations

import hashlib
import os
import shlex
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NOW, Cli, changes_nothing

MIA = ("--as", "mia@acme.test")
MAX = ("--as", "max@acme.test")
LENA = ("--as", "@lena")
OTTO = ("--as", "@otto")

pytestmark = pytest.mark.usefixtures("shop")


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


@pytest.fixture
def order(cli: Cli) -> int:
    """mia's order with lena, in progress."""
    placed = cli("order", "place", "--freelancer", "lena", "--service", 1, *MIA, "-o", "json")
    assert placed.exit_code == 0, placed.stderr
    order_id: int = placed.json["id"]
    assert cli("order", "skip-requirements", order_id, *LENA).exit_code == 0
    return order_id


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "logo.png").write_bytes(b"\x89PNG")
    (folder / "brief.txt").write_bytes(b"brief")
    return folder


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@pytest.fixture
def delivered(cli: Cli, order: int, sources: Path) -> int:
    done = cli(
        "order", "deliver", order, "--file", sources / "logo.png", "--file",
        sources / "brief.txt", *LENA, "-o", "json",
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    return order


def test_deliver_with_files_prints_the_order_and_says_where_the_files_are(
    cli: Cli, order: int, sources: Path
) -> None:
    done = cli("order", "deliver", order, "--file", sources / "logo.png", *LENA, "-o", "json")

    assert done.exit_code == 0, done.stderr
    assert (done.json["id"], done.json["status"]) == (order, "delivered")
    assert done.stderr == f"1 file delivered: `fpctl order files {order}`\n"
    audit = cli("audit", "list", "--action", "order.deliver", "--account", "acme", "-o", "json")
    assert audit.json[-1]["changes"]["files"] == [
        None,
        [{"id": 1, "name": "logo.png", "sha256": sha(b"\x89PNG"), "size_bytes": 4}],
    ]


def test_files_as_json(cli: Cli, delivered: int) -> None:
    listed = cli("order", "files", delivered, *MIA, "-o", "json")

    assert listed.exit_code == 0, listed.stderr
    assert listed.json == [
        {
            "id": 1,
            "order_id": delivered,
            "name": "logo.png",
            "size_bytes": 4,
            "sha256": sha(b"\x89PNG"),
            "media_type": "image/png",
            "delivery": 1,
            "revision": 0,
            "milestone": None,
            "delivered_by": "@lena",
            "delivered_at": NOW,
        },
        {
            "id": 2,
            "order_id": delivered,
            "name": "brief.txt",
            "size_bytes": 5,
            "sha256": sha(b"brief"),
            "media_type": "text/plain",
            "delivery": 1,
            "revision": 0,
            "milestone": None,
            "delivered_by": "@lena",
            "delivered_at": NOW,
        },
    ]


def test_files_as_csv_and_as_a_table(cli: Cli, delivered: int, monkeypatch: Any) -> None:
    csv = cli("order", "files", delivered, *LENA, "-o", "csv")
    assert csv.stdout.splitlines()[0] == (
        "id,order_id,name,size_bytes,sha256,media_type,delivery,revision,milestone,"
        "delivered_by,delivered_at"
    )
    assert csv.stdout.splitlines()[2].startswith("2,1,brief.txt,5,")
    monkeypatch.setenv("COLUMNS", "80")
    table = cli("order", "files", delivered, *MIA)
    assert table.exit_code == 0
    assert all(len(line) <= 80 for line in table.stdout.splitlines())
    assert "logo.png" in table.stdout


def test_download_writes_every_file_and_says_where(
    cli: Cli, delivered: int, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = cli("order", "download", delivered, "--to", out, *MIA, "-o", "json")

    assert done.exit_code == 0, done.stderr
    assert [(row["name"], row["path"], row["replaced"]) for row in done.json] == [
        ("logo.png", str(out / "logo.png"), False),
        ("brief.txt", str(out / "brief.txt"), False),
    ]
    assert set(done.json[0]) == {
        "id", "order_id", "name", "size_bytes", "sha256", "media_type", "delivery", "revision",
        "milestone", "delivered_by", "delivered_at", "path", "replaced",
    }  # fmt: skip
    assert (out / "logo.png").read_bytes() == b"\x89PNG"
    assert sorted(os.listdir(out)) == ["brief.txt", "logo.png"]


def test_download_one_file_by_name_as_the_freelancer(
    cli: Cli, delivered: int, tmp_path: Path
) -> None:
    done = cli("order", "download", delivered, "brief.txt", "--to", tmp_path, *LENA, "-o", "json")

    assert done.exit_code == 0, done.stderr
    assert [row["id"] for row in done.json] == [2]
    assert (tmp_path / "brief.txt").read_bytes() == b"brief"


def test_an_existing_file_is_refused_with_a_hint_that_runs_as_written(
    cli: Cli, delivered: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a relative --to, as a person types it
    Path("out").mkdir()
    Path("out/logo.png").write_bytes(b"mine")

    refused = cli("order", "download", delivered, "--to", "out", *MIA)

    assert refused.exit_code == 2
    hint = f"fpctl order download {delivered} --to out --force --as mia@acme.test"
    assert refused.stderr.splitlines() == [
        "error: out/logo.png already exists: nothing was written",
        f"hint: {hint}",
    ]
    assert Path("out/logo.png").read_bytes() == b"mine"
    forced = cli(*shlex.split(hint)[1:])
    assert forced.exit_code == 0, forced.stderr
    assert Path("out/logo.png").read_bytes() == b"\x89PNG"


@pytest.mark.parametrize("actor", [MAX, OTTO], ids=["member", "freelancer"])
def test_who_does_not_see_the_order_gets_not_found(
    cli: Cli, delivered: int, tmp_path: Path, actor: tuple[str, str]
) -> None:
    listed = cli("order", "files", delivered, *actor, "-o", "json")
    fetched = cli("order", "download", delivered, "--to", tmp_path / "out", *actor)

    assert (listed.exit_code, listed.error["code"]) == (3, "not_found")
    assert fetched.exit_code == 3
    assert not (tmp_path / "out").exists()


def test_a_file_over_the_limit_is_refused_in_one_line(cli: Cli, order: int, tmp_path: Path) -> None:
    huge = tmp_path / "huge.iso"
    with huge.open("wb") as file:
        file.truncate(25 * 1024 * 1024 + 1)

    with changes_nothing():
        refused = cli("order", "deliver", order, "--file", huge, *LENA, "-o", "json")

    assert refused.exit_code == 2
    assert refused.error["code"] == "file_too_large"
    assert refused.stderr.splitlines()[0] == (
        f"error: {huge} is 26,214,401 bytes: over the limit of 25 MiB (26,214,400 bytes) a file"
    )


@pytest.mark.parametrize("what", ["missing", "directory"])
def test_a_path_that_is_no_file_is_refused(cli: Cli, order: int, tmp_path: Path, what: str) -> None:
    path = tmp_path / "nope.pdf" if what == "missing" else tmp_path

    with changes_nothing():
        refused = cli("order", "deliver", order, "--file", path, *LENA)

    assert refused.exit_code == 2
    assert len(refused.stderr.splitlines()) == 1
    assert refused.stderr.startswith(f"error: {path} ")


def test_download_of_an_unknown_file_is_not_found(cli: Cli, delivered: int, tmp_path: Path) -> None:
    missing = cli("order", "download", delivered, "../../etc/passwd", "--to", tmp_path, *MIA)

    assert missing.exit_code == 3
    assert (
        missing.stderr.splitlines()[0] == f"error: order {delivered} has no file ../../etc/passwd"
    )


def test_another_accounts_order_is_not_found(cli: Cli, delivered: int, tmp_path: Path) -> None:
    made = cli("account", "create", "Beta", "--admin", "bob@beta.test", "--slug", "beta")
    assert made.exit_code == 0, made.stderr
    bob = ("--as", "bob@beta.test")

    listed = cli("order", "files", delivered, *bob)
    fetched = cli("order", "download", delivered, "1", "--to", tmp_path / "out", *bob)

    assert (listed.exit_code, fetched.exit_code) == (3, 3)
    assert listed.stderr.splitlines()[0] == f"error: no order {delivered}"
    assert not (tmp_path / "out").exists()
