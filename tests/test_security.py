"""Untrusted text and secrets at the command line.

Document text reaches the terminal as text: Rich markup in a quote ("[bold]", "[/]", "[link=...]")
is printed literally, never styled and never a crash, and terminal control sequences (ESC) never
reach the terminal. Secrets (SMTP password, web token, webhook secret, a database password) never
appear in any output, `--debug` tracebacks and daemon logs included; a config file that sets a secret
is refused. (Feed-token, iCalendar and e-mail injection are tested with feeds and reminders.)
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CLI

HOSTILE_ACTOR = "Secretary of [bold]State[/]"
HOSTILE_TEXT = (
    "Executive Order 97100 of January 5, 2026\n\n"
    "Sec. 2. The Secretary of [bold]State[/] shall publish [red]the rules[/red] and [/] "
    "[link=https://evil.example]click here[/link] <script>alert(1)</script> <b>bold</b> "
    "within 30 days of the date of this order.\n"
)
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31m\x1b]8;;https://evil.example\x1b\\"
ESCAPE_TEXT = (
    "Executive Order 97101 of January 5, 2026\n\n"
    f"Sec. 2. The Secretary of Labor shall publish {ESCAPES}guidance within 30 days of the date of this "
    "order.\n"
)


def ingest_text(cli: CLI, name: str, text: str, number: int) -> str:
    doc = cli.home / f"{name}.txt"
    doc.write_text(text, encoding="utf-8")
    meta = {"kind": "executive_order", "issued": "2026-01-05", "title": f"Executive Order {number}"}
    (cli.home / f"{name}.meta.json").write_text(json.dumps(meta))
    result = cli("ingest", str(doc))
    assert result.code == 0, result.err
    rows = [
        json.loads(line) for line in cli("list", "--json", "--instrument", f"EO {number}").out.splitlines()
    ]
    assert len(rows) == 1, rows
    return str(rows[0]["id"])


# --- document text at the terminal ------------------------------------------------------------


def test_show_prints_markup_from_a_document_literally(sqlite_cli: CLI) -> None:
    oid = ingest_text(sqlite_cli, "markup", HOSTILE_TEXT, 97100)
    result = sqlite_cli("show", oid)
    assert result.code == 0, result.err
    flat = " ".join(result.out.split())
    assert HOSTILE_ACTOR in flat
    for literal in ("[red]the rules[/red]", "and [/]", "[link=https://evil.example]click", "<script>", "<b>"):
        assert literal in flat, literal


@pytest.mark.parametrize("command", [["list"], ["stats"]])
def test_list_and_stats_print_markup_from_a_document_literally(sqlite_cli: CLI, command: list[str]) -> None:
    ingest_text(sqlite_cli, "markup", HOSTILE_TEXT, 97100)
    result = sqlite_cli(*command)
    assert result.code == 0, result.err
    assert HOSTILE_ACTOR in " ".join(result.out.split())


def test_machine_output_keeps_markup_as_data(sqlite_cli: CLI) -> None:
    oid = ingest_text(sqlite_cli, "markup", HOSTILE_TEXT, 97100)
    (row,) = [json.loads(line) for line in sqlite_cli("list", "--json").out.splitlines()]
    assert row["actor"] == HOSTILE_ACTOR
    shown = json.loads(sqlite_cli("show", oid, "--json").out)
    assert "[link=https://evil.example]click here[/link] <script>" in shown["mentions"][0]["quote"]
    csv = sqlite_cli("list", "--csv")
    assert csv.code == 0 and HOSTILE_ACTOR in csv.out


def test_terminal_control_sequences_from_a_document_never_reach_the_terminal(sqlite_cli: CLI) -> None:
    oid = ingest_text(sqlite_cli, "escapes", ESCAPE_TEXT, 97101)
    for command in (["show", oid], ["list"], ["stats"]):
        result = sqlite_cli(*command)
        assert result.code == 0, result.err
        assert "\x1b" not in result.out + result.err, command


def test_json_output_escapes_control_characters(sqlite_cli: CLI) -> None:
    oid = ingest_text(sqlite_cli, "escapes", ESCAPE_TEXT, 97101)
    shown = sqlite_cli("show", oid, "--json")
    assert shown.code == 0 and "\x1b" not in shown.out
    assert ESCAPES in json.loads(shown.out)["mentions"][0]["quote"]  # kept as data, escaped as JSON


# --- secrets ----------------------------------------------------------------------------------

SECRETS = {
    "TRACKER_SMTP__PASSWORD": "smtp-pw-Zq81-never-shown",
    "TRACKER_WEB__ACCESS_TOKEN": "web-token-Ux35-never-shown",
    "TRACKER_WEBHOOKS__SECRET": "hook-secret-Pw72-never-shown",
}
DB_PASSWORD = "db-pw-Kr44-never-shown"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assert_no_secret(text: str) -> None:
    for value in (*SECRETS.values(), DB_PASSWORD):
        assert value not in text, value


FAILING = [
    pytest.param(["show", "nosuchid"], {}, 3, id="not-found"),
    pytest.param(["ingest", "missing.txt"], {}, 4, id="bad-input"),
    pytest.param(["due", "within 9999 years", "--from", "2026-01-05"], {}, None, id="internal-error"),
    pytest.param(["list"], {"TRACKER_SMTP__PORT": "99999"}, 5, id="config-error"),
    pytest.param(["list"], {"TRACKER_REMINDERS__RECIPIENTS": "[not json"}, 5, id="config-env-json"),
    pytest.param(["list"], {"TRACKER_DATABASE_URL": "pg"}, 6, id="database-unreachable"),
    pytest.param(
        ["remind", "--today", "2026-01-20"],
        {"TRACKER_SMTP__HOST": "127.0.0.1", "TRACKER_SMTP__PORT": "port", "TRACKER_SMTP__USERNAME": "me"},
        7,
        id="smtp-unreachable",
    ),
]


@pytest.mark.parametrize(("args", "env", "code"), FAILING)
def test_debug_output_of_a_failing_command_holds_no_secret(
    sqlite_cli: CLI, args: list[str], env: dict[str, str], code: int | None
) -> None:
    port = closed_port()
    extra = {**SECRETS, "TRACKER_REMINDERS__RECIPIENTS": '["ops@example.org"]', **env}
    if extra.get("TRACKER_DATABASE_URL") == "pg":
        extra["TRACKER_DATABASE_URL"] = f"postgresql://tracker:{DB_PASSWORD}@127.0.0.1:{port}/tracker"
    if extra.get("TRACKER_SMTP__PORT") == "port":
        extra["TRACKER_SMTP__PORT"] = str(port)
        ingest_text(sqlite_cli, "order", ESCAPE_TEXT.replace(ESCAPES, ""), 97101)  # due 2026-02-04
    result = sqlite_cli("--debug", *args, extra_env=extra)
    assert result.code != 0
    if code is not None:
        assert result.code == code, result.err
    assert result.err.startswith("tracker: ") or "\ntracker: " in result.err, result.err
    assert_no_secret(result.out + result.err)


@pytest.mark.postgres
def test_daemon_debug_log_holds_no_secret(pg_url: str, tmp_path: Path) -> None:
    """`tracker --debug run` logs everything at DEBUG (scheduler, job store, jobs) to stderr."""
    from sqlalchemy.engine import make_url

    from tests.conftest import _clean_env

    url = make_url(pg_url).set(password=DB_PASSWORD).render_as_string(hide_password=False)  # trust auth
    home = tmp_path / "home"
    home.mkdir()
    env = {**_clean_env(home, url), **SECRETS, "TRACKER_REMINDERS__RECIPIENTS": '["ops@example.org"]'}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--debug", "run"],
        env=env,
        cwd=home,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(6)
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert "scheduler started" in err, err
    assert_no_secret(out + err)


SECRET_FILES = [
    ("smtp", "password", "TRACKER_SMTP__PASSWORD"),
    ("web", "access_token", "TRACKER_WEB__ACCESS_TOKEN"),
    ("webhooks", "secret", "TRACKER_WEBHOOKS__SECRET"),
]


@pytest.mark.parametrize(("section", "key", "env"), SECRET_FILES)
@pytest.mark.parametrize("style", ["table", "dotted", "inline"])
@pytest.mark.parametrize("where", ["--config", "TRACKER_CONFIG", "user config dir"])
def test_a_config_file_that_sets_a_secret_is_refused(
    sqlite_cli: CLI, section: str, key: str, env: str, style: str, where: str
) -> None:
    value = "in-a-file-Hh19-never-shown"
    body = {
        "table": f'[{section}]\n{key} = "{value}"\n',
        "dotted": f'{section}.{key} = "{value}"\n',
        "inline": f'{section} = {{ {key} = "{value}" }}\n',
    }[style]
    if where == "user config dir":
        path = sqlite_cli.home / ".config" / "regulatory-deadline-tracker" / "tracker.toml"
        path.parent.mkdir(parents=True)
    else:
        path = sqlite_cli.home / "tracker.toml"
    path.write_text(body)
    args = ["--config", str(path)] if where == "--config" else []
    extra = {"TRACKER_CONFIG": str(path)} if where == "TRACKER_CONFIG" else {}
    result = sqlite_cli(*args, "list", extra_env=extra)
    assert result.code == 5, result.err
    assert result.err == (
        f"tracker: {path}: {section}.{key}: secrets are read from the environment only ({env})\n"
    )
    assert value not in result.out + result.err
