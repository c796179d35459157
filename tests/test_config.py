"""Configuration: precedence, errors naming key and value, secrets from the environment only."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tracker import config
from tracker.errors import ConfigError
from tracker.model import RollPolicy


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("TRACKER_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def test_shipped_file_documents_exactly_the_defaults() -> None:
    shipped = tomllib.loads(config.shipped_config_path().read_text(encoding="utf-8"))
    defaults = config.Settings().model_dump(mode="json")
    for section, values in shipped.items():
        if isinstance(values, dict):
            for key, value in values.items():
                if isinstance(value, dict):
                    assert defaults[section][key] == value, (section, key)
                else:
                    assert defaults[section][key] == value, (section, key)
        else:
            assert defaults[section] == values


def test_precedence_file_then_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "mine.toml"
    user.write_text('[smtp]\nhost = "mail.example.org"\nport = 587\n[dates.roll]\nrule = "following"\n')
    s = config.load(user)
    assert (s.smtp.host, s.smtp.port) == ("mail.example.org", 587)
    assert s.dates.policy_for("rule").roll == RollPolicy.FOLLOWING
    assert s.dates.policy_for("executive_order").roll == RollPolicy.NONE
    monkeypatch.setenv("TRACKER_SMTP__PORT", "2525")
    monkeypatch.setenv("TRACKER_REMINDERS__LEAD_DAYS", "[14, 3]")
    s = config.load(user)
    assert s.smtp.port == 2525 and s.smtp.host == "mail.example.org"
    assert s.reminders.lead_days == [14, 3]


def test_config_file_from_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "env.toml"
    user.write_text('[feeds]\nuid_domain = "deadlines.example.org"\n')
    monkeypatch.setenv("TRACKER_CONFIG", str(user))
    assert config.load().feeds.uid_domain == "deadlines.example.org"


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ('[smtp]\nport = "twenty-five"\n', "smtp.port: 'twenty-five'"),
        ("[smtp]\nport = 70000\n", "smtp.port: 70000"),
        ('[dates]\ndefault_roll = "sideways"\n', "dates.default_roll: 'sideways'"),
        ('[scheduler]\nreminder_time = "25:00"\n', "scheduler.reminder_time: '25:00'"),
        ("[reminders]\nlead_days = [7, -1]\n", "reminders.lead_days"),
        ("[smtp\nhost=1", "invalid TOML"),
    ],
)
def test_errors_name_key_and_value(tmp_path: Path, toml: str, needle: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as exc:
        config.load(path)
    assert needle in str(exc.value)
    assert "\n" not in str(exc.value)
    assert exc.value.exit_code == 5


def test_secret_in_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.toml"
    path.write_text('[smtp]\npassword = "hunter2"\n')
    with pytest.raises(ConfigError, match="TRACKER_SMTP__PASSWORD") as exc:
        config.load(path)
    assert "hunter2" not in str(exc.value)


def test_secret_from_env_never_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_SMTP__PASSWORD", "hunter2")
    s = config.load()
    assert s.smtp.password is not None and s.smtp.password.get_secret_value() == "hunter2"
    assert "hunter2" not in repr(s) and "hunter2" not in str(s.model_dump())


def test_unknown_keys_warn(tmp_path: Path) -> None:
    path = tmp_path / "typo.toml"
    path.write_text('[smtp]\nhots = "x"\n')
    with pytest.warns(UserWarning, match="smtp.hots"):
        config.load(path)


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        config.load(tmp_path / "absent.toml")
