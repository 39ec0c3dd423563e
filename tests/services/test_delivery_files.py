"""services.orders.delivery_files: files delivered with an order, kept in the store; who
lists and downloads them; names, sizes, hashes and overwrites (issue 14, item 2)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from fpctl.domain.files import Limits, MiB
from fpctl.errors import InvalidInput, NotFound, RuleViolation
from fpctl.services.orders import checkout, delivery_files, file_downloads, lifecycle
from fpctl.services.team import accounts, members

ADA, BILL, MIA, MAX = "ada@acme.test", "bill@acme.test", "mia@acme.test", "max@acme.test"
SUPPORT: dict[str, Any] = {"as_": "support", "reason": "ticket 9", "account": "acme"}


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


@pytest.fixture
def order(shop: Any, work: Any) -> int:
    """mia's order with lena (1 revision), in her my-project, in progress."""
    request = checkout.OrderRequest(freelancer="lena", service_id=1)
    with work(as_=MIA) as ctx:
        order_id = checkout.place(ctx, request).order.id
    with work(as_="@lena") as ctx:
        lifecycle.skip_requirements(ctx, order_id)  # type: ignore[arg-type]
    assert order_id is not None
    return order_id


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "files"
    made.mkdir()
    return made


def a_file(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def deliver(work: Any, order_id: int, *paths: Path | str) -> None:
    with work(as_="@lena") as ctx:
        lifecycle.deliver(ctx, order_id, paths)


def listed(work: Any, order_id: int, **actor: Any) -> list[tuple[Any, ...]]:
    with work(write=False, **actor) as ctx:
        return [
            (f.name, f.size_bytes, f.sha256, f.media_type, f.revision, f.delivered_by)
            for f in delivery_files.files(ctx, order_id)
        ]


def snapshot(work: Any) -> tuple[list[Any], ...]:
    with work(write=False) as ctx:
        return tuple(
            list(ctx.session.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all())
            for table in ("orders", "delivery", "delivery_file", "audit_record")
        )


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def download(work: Any, order_id: int, to: Path, **options: Any) -> list[tuple[str, bytes]]:
    actor = options.pop("actor", {"as_": MIA})
    with work(write=False, **actor) as ctx:
        written = file_downloads.download(ctx, order_id, to, **options)
    return [(w.path.name, w.path.read_bytes()) for w in written]


# -- delivering ----------------------------------------------------------------------------


def test_delivered_files_are_kept_in_the_store_with_hash_size_and_type(
    order: int, work: Any, folder: Path
) -> None:
    logo = a_file(folder, "logo.png", b"\x89PNG logo")
    notes = a_file(folder / "sub", "notes.txt", b"read me")
    deliver(work, order, logo, str(notes))

    assert listed(work, order, as_=MIA) == [
        ("logo.png", 9, sha(b"\x89PNG logo"), "image/png", 0, "@lena"),
        ("notes.txt", 7, sha(b"read me"), "text/plain", 0, "@lena"),
    ]
    with work(write=False) as ctx:
        stored = ctx.session.execute(text("SELECT content FROM delivery_file ORDER BY id")).all()
        status = ctx.session.execute(text(f"SELECT status FROM orders WHERE id = {order}")).one()
        record = ctx.session.execute(
            text("SELECT changes FROM audit_record WHERE action = 'order.deliver'")
        ).one()
    assert [bytes(row[0]) for row in stored] == [b"\x89PNG logo", b"read me"]
    assert status[0] == "delivered"
    changes = json.loads(record[0])
    assert changes["files"] == [
        None,
        [
            {"id": 1, "name": "logo.png", "sha256": sha(b"\x89PNG logo"), "size_bytes": 9},
            {"id": 2, "name": "notes.txt", "sha256": sha(b"read me"), "size_bytes": 7},
        ],
    ]
    assert changes["delivery"] == [None, 1]


def test_a_delivery_after_a_revision_is_told_apart(order: int, work: Any, folder: Path) -> None:
    deliver(work, order, a_file(folder, "v1.txt", b"one"))
    with work(as_=MIA) as ctx:
        lifecycle.ask_revision(ctx, order, "bigger")
    deliver(work, order, a_file(folder, "v2.txt", b"two"))

    assert [(name, revision) for name, *_, revision, _ in listed(work, order)] == [
        ("v1.txt", 0),
        ("v2.txt", 1),
    ]


def test_a_delivery_without_files_stores_nothing(order: int, work: Any) -> None:
    deliver(work, order)

    assert listed(work, order) == []


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda folder: folder / "missing.pdf", "file_missing"),
        (lambda folder: folder, "file_unreadable"),
        (lambda folder: f"{folder}/bad\x00name.txt", "file_unreadable"),
    ],
    ids=["missing", "directory", "nul in the path"],
)
def test_a_path_that_is_no_readable_file_is_refused_and_nothing_is_written(
    order: int, work: Any, folder: Path, make: Any, code: str
) -> None:
    good = a_file(folder, "good.txt", b"fine")
    before = snapshot(work)

    with pytest.raises(InvalidInput) as refused:
        deliver(work, order, good, make(folder))

    assert refused.value.code == code
    assert "\n" not in refused.value.message
    assert snapshot(work) == before


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> Limits:
    limits = Limits(per_file=10, per_delivery=25, files=3)
    monkeypatch.setattr(delivery_files, "LIMITS", limits)
    return limits


def test_the_documented_limits() -> None:
    assert Limits(per_file=25 * MiB, per_delivery=100 * MiB, files=20) == delivery_files.LIMITS


def test_a_file_at_the_limit_is_taken_one_byte_over_is_refused(
    order: int, work: Any, folder: Path, small_limits: Limits
) -> None:
    over = a_file(folder, "over.bin", b"x" * 11)
    before = snapshot(work)
    with pytest.raises(InvalidInput, match=r"over\.bin is 11 bytes: over the limit") as refused:
        deliver(work, order, over)
    assert refused.value.code == "file_too_large"
    assert snapshot(work) == before

    deliver(work, order, a_file(folder, "at.bin", b"x" * 10))
    assert [row[:2] for row in listed(work, order)] == [("at.bin", 10)]


def test_a_delivery_at_its_limit_is_taken_one_byte_over_is_refused(
    order: int, work: Any, folder: Path, small_limits: Limits
) -> None:
    parts = [a_file(folder, f"{n}.bin", b"x" * 10) for n in range(2)]
    before = snapshot(work)
    with pytest.raises(InvalidInput) as refused:
        deliver(work, order, *parts, a_file(folder, "six.bin", b"x" * 6))
    assert refused.value.code == "delivery_too_large"
    assert snapshot(work) == before

    deliver(work, order, *parts, a_file(folder, "five.bin", b"x" * 5))
    assert len(listed(work, order)) == 3


def test_more_files_than_a_delivery_takes_are_refused(
    order: int, work: Any, folder: Path, small_limits: Limits
) -> None:
    paths = [a_file(folder, f"{n}.txt", b"x") for n in range(4)]
    with pytest.raises(InvalidInput) as refused:
        deliver(work, order, *paths)

    assert refused.value.code == "too_many_files"


def test_a_file_over_25_mib_is_refused_before_it_is_read(
    order: int, work: Any, folder: Path
) -> None:
    sparse = folder / "huge.iso"
    with sparse.open("wb") as file:
        file.truncate(25 * MiB + 1)  # no data block written: refused from its size

    with pytest.raises(InvalidInput, match="26,214,401 bytes: over the limit of 25 MiB"):
        deliver(work, order, sparse)


def test_two_files_of_one_name_in_a_delivery_are_refused(
    order: int, work: Any, folder: Path
) -> None:
    with pytest.raises(InvalidInput) as refused:
        deliver(
            work, order, a_file(folder / "a", "x.txt", b"1"), a_file(folder / "b", "X.TXT", b"2")
        )

    assert refused.value.code == "duplicate_file_name"


def test_the_stored_name_is_the_cleaned_base_name(order: int, work: Any, folder: Path) -> None:
    hostile = a_file(folder, "CON.\u202etxt", b"x")
    deliver(work, order, hostile)

    assert listed(work, order)[0][0] == "_CON.txt"


# -- who lists and downloads ---------------------------------------------------------------


@pytest.fixture
def delivered(order: int, work: Any, folder: Path) -> int:
    deliver(work, order, a_file(folder, "logo.png", b"logo"), a_file(folder, "brief.txt", b"b"))
    return order


@pytest.mark.parametrize(
    "actor",
    [{"as_": MIA}, {"as_": ADA}, {"as_": BILL}, SUPPORT, {"as_": "@lena"}, {}],
    ids=["placer", "admin", "billing manager", "support", "freelancer", "no actor"],
)
def test_everyone_who_sees_the_order_lists_and_downloads_its_files(
    delivered: int, work: Any, tmp_path: Path, actor: dict[str, Any]
) -> None:
    assert [row[0] for row in listed(work, delivered, **actor)] == ["logo.png", "brief.txt"]
    got = download(work, delivered, tmp_path / "out", actor=actor)
    assert got == [("logo.png", b"logo"), ("brief.txt", b"b")]


@pytest.mark.parametrize("actor", [{"as_": MAX}, {"as_": "@otto"}], ids=["member", "freelancer"])
def test_who_does_not_see_the_order_finds_no_files(
    delivered: int, work: Any, tmp_path: Path, actor: dict[str, Any]
) -> None:
    with pytest.raises(NotFound):
        listed(work, delivered, **actor)
    with pytest.raises(NotFound):
        download(work, delivered, tmp_path / "out", actor=actor)
    assert not (tmp_path / "out").exists()


def test_another_accounts_admin_finds_no_files(delivered: int, work: Any) -> None:
    with work() as ctx:
        accounts.create(ctx, name="Beta", admin_email="bob@beta.test", slug="beta")

    with pytest.raises(NotFound):
        listed(work, delivered, as_="bob@beta.test")


def test_a_removed_members_files_are_downloaded_by_the_remaining_members(
    delivered: int, work: Any, tmp_path: Path
) -> None:
    with pytest.raises(NotFound):
        listed(work, delivered, as_=MAX)
    with work(as_=ADA) as ctx:
        members.remove(ctx, MIA)

    assert len(listed(work, delivered, as_=MAX)) == 2
    got = download(work, delivered, tmp_path / "out", actor={"as_": MAX})
    assert [name for name, _ in got] == ["logo.png", "brief.txt"]


# -- downloading ---------------------------------------------------------------------------


def test_one_file_by_id_or_by_name(delivered: int, work: Any, tmp_path: Path) -> None:
    assert download(work, delivered, tmp_path / "a", which="2") == [("brief.txt", b"b")]
    assert download(work, delivered, tmp_path / "b", which="logo.png") == [("logo.png", b"logo")]
    with pytest.raises(NotFound, match=f"order {delivered} has no file nope.txt"):
        download(work, delivered, tmp_path / "c", which="nope.txt")
    with pytest.raises(NotFound):
        download(work, delivered, tmp_path / "c", which="../../etc/passwd")


def test_a_name_picks_the_newest_file_and_all_keep_the_older_apart(
    order: int, work: Any, folder: Path, tmp_path: Path
) -> None:
    deliver(work, order, a_file(folder, "logo.png", b"first"))
    with work(as_=MIA) as ctx:
        lifecycle.ask_revision(ctx, order)
    deliver(work, order, a_file(folder / "v2", "logo.png", b"second"))

    assert download(work, order, tmp_path / "one", which="logo.png") == [("logo.png", b"second")]
    every = download(work, order, tmp_path / "all")
    assert sorted(every) == [("1-logo.png", b"first"), ("logo.png", b"second")]


def test_an_existing_file_is_never_replaced_without_force_and_nothing_is_written(
    delivered: int, work: Any, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "brief.txt").write_bytes(b"mine")

    with pytest.raises(file_downloads.TargetExists, match=r"brief\.txt already exists") as refused:
        download(work, delivered, out)

    assert refused.value.exit_code == 2
    assert sorted(os.listdir(out)) == ["brief.txt"]  # logo.png not written, no leftovers
    assert (out / "brief.txt").read_bytes() == b"mine"
    got = download(work, delivered, out, force=True)
    assert got == [("logo.png", b"logo"), ("brief.txt", b"b")]
    assert sorted(os.listdir(out)) == ["brief.txt", "logo.png"]


def test_a_symlink_in_the_way_counts_as_an_existing_file(
    delivered: int, work: Any, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "logo.png").symlink_to(tmp_path / "elsewhere")

    with pytest.raises(file_downloads.TargetExists):
        download(work, delivered, out)
    assert not (tmp_path / "elsewhere").exists()


def tamper(work: Any, sql: str, **values: Any) -> None:
    with work() as ctx:
        ctx.session.execute(text(sql), values)


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        ("../../evil.sh", "evil.sh"),
        ("/etc/cron.d/x", "x"),
        ("..", "file-1"),
        ("a\x01b\x1b[2J.txt", "ab[2J.txt"),  # (PostgreSQL text holds no NUL)
        ("nul", "_nul"),
        ("C:\\Windows\\win.ini", "win.ini"),
    ],
)
def test_a_stored_name_never_leaves_the_folder(
    delivered: int, work: Any, tmp_path: Path, stored: str, written: str
) -> None:
    tamper(work, "UPDATE delivery_file SET name = :name WHERE id = 1", name=stored)
    out = tmp_path / "deep" / "out"
    around = sorted(os.listdir(tmp_path))

    got = download(work, delivered, out, which="1")

    assert got == [(written, b"logo")]
    assert sorted(os.listdir(out)) == [written]
    assert sorted(os.listdir(tmp_path)) == sorted([*around, "deep"])
    assert os.listdir(tmp_path / "deep") == ["out"]


def test_bytes_that_do_not_match_their_hash_are_never_written(
    delivered: int, work: Any, tmp_path: Path
) -> None:
    tamper(work, "UPDATE delivery_file SET content = :content WHERE id = 2", content=b"B")

    with pytest.raises(RuleViolation, match="does not match its SHA-256") as refused:
        download(work, delivered, tmp_path / "out")

    assert refused.value.code == "file_damaged"
    assert os.listdir(tmp_path / "out") == []  # logo.png, staged first, was removed too


def test_a_milestone_delivery_names_its_milestone(shop: Any, work: Any, folder: Path) -> None:
    request = checkout.OrderRequest(freelancer="lena", milestones=["A=40", "B=60"])
    with work(as_=MIA) as ctx:
        order_id = checkout.place(ctx, request).order.id
    with work(as_="@lena") as ctx:
        lifecycle.skip_requirements(ctx, order_id)  # type: ignore[arg-type]
    deliver(work, order_id, a_file(folder, "a.txt", b"a"))  # type: ignore[arg-type]
    with work(as_=MIA) as ctx:
        lifecycle.accept(ctx, order_id)  # type: ignore[arg-type]
    deliver(work, order_id, a_file(folder, "b.txt", b"b"))  # type: ignore[arg-type]

    with work(write=False) as ctx:
        files = [(f.name, f.milestone) for f in delivery_files.files(ctx, order_id)]  # type: ignore[arg-type]
    assert files == [("a.txt", 1), ("b.txt", 2)]


def test_an_empty_file_is_delivered_and_downloaded(
    order: int, work: Any, folder: Path, tmp_path: Path
) -> None:
    deliver(work, order, a_file(folder, "empty.txt", b""))

    assert listed(work, order)[0][:3] == ("empty.txt", 0, sha(b""))
    assert download(work, order, tmp_path / "out") == [("empty.txt", b"")]
