"""An unlucky operator's machine (issue 11, defect 4): a full disk and a directory that
cannot be written are a clear one-line error, exit 7 or 2, never exit 1, and the store is
left as it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.store.disks import tmpfs

ADA = ("--as", "ada@acme.test")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB file system of its own."""
    with tmpfs(tmp_path / "disk", "2m") as disk:
        yield disk


def fill(disk: Path) -> Path:
    """Write zeros until the disk refuses: the store cannot grow by a page."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def test_a_full_disk_is_exit_7_and_changes_nothing(
    cli: Cli, small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_DB", str(small_disk / "fpctl.db"))
    assert cli("account", "create", "Acme", "--admin", "ada@acme.test").exit_code == 0
    filler = fill(small_disk)

    emails = [f"p{n}-{'x' * 40}@acme.test" for n in range(300)]
    full = cli("team", "invite", *emails, *ADA, "--atomic", "-o", "json")

    assert (full.exit_code, full.stdout) == (7, "")
    assert full.error["message"].startswith("the store cannot be used: ")  # disk I/O or full
    filler.unlink()
    assert cli("team", "invitations", "--account", "acme", "-o", "json").json == []
    assert cli("audit", "verify", "-o", "json").json["records"] == 1


@pytest.mark.parametrize("target", ["/sys/fpctl-backup.db", "/proc/self/fpctl-backup.db"])
def test_a_backup_where_nothing_can_be_written_is_exit_2(cli: Cli, acme: str, target: str) -> None:
    result = cli("db", "backup", target, "-o", "json")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.error["message"].startswith(f"cannot write {target}: ")
