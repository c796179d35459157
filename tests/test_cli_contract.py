"""The command-line contract: `extract --json` golden lines, exit codes and one-line errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import CLI, DATA

EXPECTED = DATA / "expected"
EXTRACT_KEYS = {
    "document",
    "quote",
    "start",
    "end",
    "actor",
    "action",
    "deadline_text",
    "anchor",
    "period",
    "due_date",
    "recurrence",
    "confidence",
}


def test_extract_json_golden(sqlite_cli: CLI, seed: Path) -> None:
    """Schema version 1 of `tracker extract --json`, compared line by line with a golden file.

    Regenerate after a deliberate change with UPDATE_GOLDEN=1.
    """
    r = sqlite_cli("extract", str(seed), "--json")
    assert r.code == 0, r.err
    lines = [json.loads(x) for x in r.out.splitlines()]
    text_doc = _seed_text(seed)
    for line in lines:
        assert line.keys() >= EXTRACT_KEYS
        assert text_doc[line["start"] : line["end"]] == line["quote"]
        assert 0.0 <= line["confidence"] <= 1.0
        assert set(line["anchor"]) >= {"kind", "date", "text"}
    golden = EXPECTED / "extract-seed.jsonl"
    normalized = [{**x, "document": Path(x["document"]).name} for x in lines]
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(
            "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in normalized), encoding="utf-8"
        )
    expected = [json.loads(x) for x in golden.read_text(encoding="utf-8").splitlines()]
    assert normalized == expected


def _seed_text(seed: Path) -> str:
    from tracker.extract.readers import read

    return read(str(seed), seed.read_bytes()).text


def test_extract_stdout_is_pure_json(sqlite_cli: CLI, seed: Path) -> None:
    r = sqlite_cli("extract", str(seed), str(seed), "--json")
    assert r.code == 0
    for line in r.out.splitlines():
        json.loads(line)


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["show", "zzzzzzzzzz"], 3, "tracker: zzzzzzzzzz: no such obligation"),
        (["list", "--due-before", "next week"], 2, "--due-before"),
        (["list", "--status", "sleeping"], 2, "sleeping"),
        (["due", "whenever convenient", "--from", "2026-06-03"], 4, "whenever convenient"),
        (["due", "within 180 days", "--from", "2026-06-03", "--policy", "sideways"], 4, "sideways"),
        (["extract", "/no/such/file.txt"], 4, "/no/such/file.txt: no such file"),
        (["--db", "nonsense://", "list"], 6, "tracker: "),
        (["list", "--bogus"], 2, "tracker: No such option: --bogus (see 'tracker list --help')"),
        (["--bogus"], 2, "No such option: --bogus"),
        (["show"], 2, "Missing argument 'ID'"),
        (["list", "--due-before"], 2, "--due-before"),
        (["no-such-command"], 2, "No such command"),
        (["list", "extra"], 2, "extra"),
    ],
)
def test_errors_are_one_line_with_exit_code(sqlite_cli: CLI, args: list[str], code: int, needle: str) -> None:
    r = sqlite_cli(*args)
    assert r.code == code, (r.code, r.err)
    assert needle in r.err
    assert "Traceback" not in r.err and "internal error" not in r.err
    assert len([ln for ln in r.err.splitlines() if ln.strip()]) == 1


def test_debug_shows_traceback(sqlite_cli: CLI) -> None:
    r = sqlite_cli("--debug", "show", "zzzzzzzzzz")
    assert r.code == 3
    assert "Traceback" in r.err


def test_due_calculator_json(sqlite_cli: CLI) -> None:
    r = sqlite_cli("due", "within 180 days", "--from", "2026-06-03", "--json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert out["due_date"] == "2026-11-30"
    assert out["period"] == "P180D"
    assert out["steps"] and all("text" in s and "kind" in s for s in out["steps"])


def test_version_and_module_entry(sqlite_cli: CLI) -> None:
    r = sqlite_cli("--version")
    assert r.code == 0 and r.out.startswith("tracker ")


@pytest.mark.parametrize("command", ["extract", "ingest", "list", "show", "feed", "due", "db"])
def test_every_command_has_help(sqlite_cli: CLI, command: str) -> None:
    r = sqlite_cli(command, "--help")
    assert r.code == 0
    assert "Usage:" in r.out


def test_readme_tours_every_command() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    from typer.main import get_command

    import tracker.cli.commands  # noqa: F401
    from tracker.cli.app import app

    group = get_command(app)
    for name in group.commands:  # type: ignore[attr-defined]
        assert f"tracker {name}" in readme, f"README does not show `tracker {name}`"
