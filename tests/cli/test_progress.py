"""The progress bar (cli/progress.py): told of every step, it redraws a few times a second
and always shows the last count."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from fpctl.cli import progress
from fpctl.cli.progress import ProgressBar


class _Bar:
    """Stands for rich's Progress: records each update."""

    def __init__(self) -> None:
        self.updates: list[int] = []

    def update(self, _task: Any, *, completed: int, total: int) -> None:
        self.updates.append(completed)

    def stop(self) -> None:
        pass


@pytest.fixture
def backend() -> str:
    return "sqlite"  # no store


def test_many_steps_in_a_moment_are_one_redraw_then_the_last(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(progress, "PROGRESS_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(progress, "REDRAW_NANOSECONDS", 3600 * 10**9)  # nothing in between
    run: Any = SimpleNamespace(quiet=False, batch=None)
    shown = _Bar()
    with ProgressBar(run, "seeding") as bar:
        bar.wanted = True
        monkeypatch.setattr(bar, "_start", lambda: shown)
        bar.task = 0  # type: ignore[assignment]  # the fake bar's task
        for done in range(1, 100_001):
            bar.advance(done, total=100_000)
    assert shown.updates == [1, 100_000]


def test_every_step_is_shown_when_they_are_far_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "PROGRESS_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(progress, "REDRAW_NANOSECONDS", 0)
    run: Any = SimpleNamespace(quiet=False, batch=None)
    shown = _Bar()
    with ProgressBar(run, "seeding", total=3) as bar:
        bar.wanted = True
        monkeypatch.setattr(bar, "_start", lambda: shown)
        bar.task = 0  # type: ignore[assignment]
        for done in (1, 2, 3):
            bar.advance(done)
    assert shown.updates == [1, 2, 3]
