"""Exact output of list, show, history, stats and the lifecycle commands, on both backends.

The sample documents are stored in-process (stub extractor, fixed clock, paths relative to the
repository), then the CLI runs as a user would with TRACKER_NOW fixing "now" and COLUMNS=80.
Every output is compared with tests/data/expected/lifecycle-*.txt; both backends must print the
same bytes. Regenerate after a deliberate change with UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from tests.conftest import CLI, DATA, ROOT
from tests.test_lifecycle import AMEND, ARTICLE, EXTENSION, NOW, ORDER, Clock, make_tracker
from tracker.cli.render import LIST_FIELDS

EXPECTED = DATA / "expected"
STEPS = [ORDER, ARTICLE, AMEND, EXTENSION]


@dataclasses.dataclass
class Story:
    cli: CLI
    ids: dict[str, str]  # actor → id

    def run(self, *args: str, at: str = "2026-06-15T12:00:00Z") -> str:
        r = self.cli(*args, extra_env={"COLUMNS": "80", "TRACKER_NOW": at})
        assert r.code == 0, r.err
        assert r.err == ""
        return r.out


@pytest.fixture
def story(cli: CLI, monkeypatch: pytest.MonkeyPatch) -> Story:
    monkeypatch.chdir(ROOT)  # documents are stored under paths relative to the repository
    clock = Clock(NOW)
    tracker = make_tracker(cli.db, clock)
    try:
        for i, name in enumerate(STEPS):
            clock.now = NOW.replace(minute=10 * i)
            report = tracker.ingest([f"tests/data/lifecycle/{name}"])
            assert not report.errors, report.errors
        ids = {t.actor: t.id for t in tracker.list(tracker_filters())}
    finally:
        tracker.close()
    return Story(cli, ids)


def tracker_filters():  # type: ignore[no-untyped-def]
    from tracker.store.repository import Filters

    return Filters()


def golden(name: str, text: str) -> None:
    path = EXPECTED / f"lifecycle-{name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"differs from {path.relative_to(ROOT)}"


def test_lifecycle_transcript(story: Story) -> None:
    dot = story.ids["Secretary of Transportation"]
    commerce = story.ids["Secretary of Commerce"]
    gsa = story.ids["Administrator of General Services"]
    dhs = story.ids["Secretary of Homeland Security"]
    golden("list-overdue", story.run("list", "--overdue"))
    out = [
        story.run("done", dot, "--on", "2026-05-20", "--by", "alice", at="2026-06-15T12:00:00Z"),
        story.run(
            "set",
            gsa,
            "--due",
            "2026-07-01",
            "--reason",
            "GSA asked for more time",
            at="2026-06-15T12:05:00Z",
        ),
        story.run("tag", dhs, "customs", at="2026-06-15T12:10:00Z"),
        story.run("note", dhs, "call the importers' council", "--by", "bob", at="2026-06-15T12:15:00Z"),
        story.run("done", dot, at="2026-06-15T12:20:00Z"),
    ]
    golden("commands", "".join(out))
    people = {
        "list": story.run("list"),
        "list-all": story.run("list", "--status", "all"),
        "list-next": story.run("list", "--next", "30d", "--actor", "commerce"),
        "show": story.run("show", dhs),
        "show-chained": story.run("show", commerce),
        "history": story.run("history", dhs),
        "stats": story.run("stats"),
    }
    for name, text in people.items():
        golden(name, text)
        assert all(len(line) <= 80 for line in text.splitlines()), name  # fits an 80-column terminal
    listed = story.run("list", "--status", "all", "--json")
    golden("list-json", listed)
    assert all(tuple(json.loads(line)) == LIST_FIELDS for line in listed.splitlines())
    golden("list-csv", story.run("list", "--csv"))
    golden(
        "show-json",
        json.dumps(json.loads(story.run("show", dhs, "--json")), indent=1, ensure_ascii=False) + "\n",
    )
    golden("history-json", story.run("history", gsa, "--json"))
    golden("stats-json", story.run("stats", "--json"))


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["done", "zzzzzzzzzz"], 3, "tracker: zzzzzzzzzz: no such obligation"),
        (["set", "zzzzzzzzzz", "--reason", "x"], 2, "give either --due DATE or --clear"),
        (["set", "zzzzzzzzzz", "--due", "2026-13-01", "--reason", "x"], 2, "--due"),
        (["anchor", "zzzzzzzzzz", "--reason", "x"], 2, "give either --date or --after"),
        (["anchor", "zzzzzzzzzz", "--date", "2026-06-01", "--reason", " "], 2, "a reason is required"),
        (["list", "--next", "soon"], 2, "--next"),
    ],
)
def test_lifecycle_errors_are_one_line(sqlite_cli: CLI, args: list[str], code: int, needle: str) -> None:
    r = sqlite_cli(*args)
    assert r.code == code, (args, r.code, r.err)
    assert needle in r.err and len(r.err.strip().splitlines()) == 1, r.err


@pytest.mark.parametrize(
    "command",
    ["done", "reopen", "waive", "set", "anchor", "tag", "untag", "note", "history", "recompute", "stats"],
)
def test_lifecycle_commands_have_help(command: str) -> None:
    from typer.testing import CliRunner

    import tracker.cli.commands
    import tracker.cli.lifecycle_cmd  # noqa: F401  (registers the commands)
    from tracker.cli.app import app

    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_paths_in_golden_files_are_relative() -> None:
    for path in Path(EXPECTED).glob("lifecycle-*.txt"):
        assert str(ROOT) not in path.read_text(encoding="utf-8"), path.name
