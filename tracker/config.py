"""Typed settings: shipped defaults < user TOML file < `TRACKER_*` environment variables.

Layer 3 (adapter). Secrets (SMTP password, web and webhook tokens) come from the environment only
and are `SecretStr`, never printed. Errors name the key and the bad value.
"""

from __future__ import annotations

import os
import tomllib
import warnings
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from tracker.errors import ConfigError
from tracker.locations import shipped_config_path, user_config_path
from tracker.model import DatePolicy, RollPolicy

ENV_PREFIX = "TRACKER_"
#: Keys that may only come from the environment; a file that sets them is refused.
SECRET_KEYS = {("smtp", "password"), ("web", "access_token"), ("webhooks", "secret")}


class _Section(BaseModel):
    model_config = ConfigDict(extra="allow", validate_default=True)


class SMTPSettings(_Section):
    host: str = "localhost"
    port: int = Field(default=25, ge=1, le=65535)
    username: str | None = None
    password: SecretStr | None = None
    sender: str = "deadlines@localhost"
    starttls: bool = False
    ssl: bool = False
    timeout: float = Field(default=10.0, gt=0)


class RemindersSettings(_Section):
    recipients: list[str] = []
    lead_days: list[int] = [30, 7, 1]
    lead_days_by_tag: dict[str, list[int]] = {}
    digest: bool = False
    retry_minutes: list[int] = [5, 30, 120, 720]

    @field_validator("lead_days")
    @classmethod
    def _non_negative(cls, v: list[int]) -> list[int]:
        if any(d < 0 for d in v):
            raise ValueError("lead days must be zero or positive")
        return sorted(set(v), reverse=True)


class FeedsSettings(_Section):
    base_url: str = "http://127.0.0.1:8000"
    uid_domain: str = "deadlines.tracker.invalid"
    name: str = "Regulatory deadlines"
    description: str = "Due dates of duties found in orders, statutes, rules and articles"
    refresh_interval: int = Field(default=240, ge=5, description="minutes")
    export_dir: str | None = None
    alarms: bool = False


class DatesSettings(_Section):
    roll: dict[str, RollPolicy] = {
        "executive_order": RollPolicy.NONE,
        "memorandum": RollPolicy.NONE,
        "proclamation": RollPolicy.NONE,
        "notice": RollPolicy.NONE,
        "statute": RollPolicy.NONE,
        "rule": RollPolicy.NONE,
        "article": RollPolicy.NONE,
    }
    default_roll: RollPolicy = RollPolicy.NONE
    holiday_country: str = "US"
    holiday_subdiv: str | None = None
    month_only: Literal["first", "last"] = "first"

    def policy_for(self, kind: str | None) -> DatePolicy:
        return DatePolicy(
            roll=self.roll.get(kind or "", self.default_roll),
            holiday_country=self.holiday_country,
            holiday_subdiv=self.holiday_subdiv,
            month_only=self.month_only,
        )


class SchedulerSettings(_Section):
    poll_interval: int = Field(default=60, ge=1, description="minutes")
    reminder_time: str = "08:00"
    timezone: str = "UTC"
    misfire_grace_time: int = Field(default=3600, ge=1, description="seconds")

    @field_validator("reminder_time")
    @classmethod
    def _hh_mm(cls, v: str) -> str:
        hh, _, mm = v.partition(":")
        if not (hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60):
            raise ValueError("expected HH:MM")
        return f"{int(hh):02d}:{int(mm):02d}"


class WebSettings(_Section):
    access_token: SecretStr | None = None


class WebhooksSettings(_Section):
    urls: list[str] = []
    format: Literal["json", "slack", "teams"] = "json"
    secret: SecretStr | None = None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="allow", validate_default=True
    )

    database_url: str | None = None
    user: str = Field(default_factory=lambda: os.environ.get("USER") or "tracker")
    smtp: SMTPSettings = SMTPSettings()
    reminders: RemindersSettings = RemindersSettings()
    feeds: FeedsSettings = FeedsSettings()
    dates: DatesSettings = DatesSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    web: WebSettings = WebSettings()
    webhooks: WebhooksSettings = WebhooksSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Files arrive through init kwargs (merged by `load`); the environment wins over them.
        return (env_settings, init_settings)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("config file not found", where=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file: {exc}", where=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", where=str(path)) from None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _refuse_secrets(data: dict[str, Any], path: Path) -> None:
    for section, key in SECRET_KEYS:
        if isinstance(data.get(section), dict) and key in data[section]:
            env = f"{ENV_PREFIX}{section.upper()}__{key.upper()}"
            raise ConfigError(
                f"{section}.{key}: secrets are read from the environment only ({env})", str(path)
            )


def _warn_unknown(settings: Settings) -> None:
    extras = [k for k in (settings.model_extra or {}) if not k.startswith("_")]
    for name in Settings.model_fields:
        section = getattr(settings, name)
        if isinstance(section, BaseModel) and section.model_extra:
            extras += [f"{name}.{k}" for k in section.model_extra]
    env_like = {k for k in extras if k.isupper() or k.startswith(ENV_PREFIX.lower())}
    for key in sorted(set(extras) - env_like):
        warnings.warn(f"unknown configuration key {key!r} ignored", UserWarning, stacklevel=3)


def _describe(err: dict[str, Any]) -> str:
    key = ".".join(str(p) for p in err.get("loc", ()))
    return f"{key}: {err.get('input')!r}: {err.get('msg', 'invalid value')}"


def load(config_file: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
    """Settings from the shipped file, then the user's file, then the environment.

    `config_file` (the `--config` option) wins over `TRACKER_CONFIG`, which wins over the
    platformdirs config dir. `overrides` (e.g. `database_url` from `--db`) win over everything.
    """
    data: dict[str, Any] = {}
    shipped = shipped_config_path()
    if shipped.is_file():
        data = _read_toml(shipped)
    explicit = config_file or os.environ.get(f"{ENV_PREFIX}CONFIG")
    user_path = Path(explicit) if explicit else user_config_path()
    if explicit or user_path.is_file():
        user_data = _read_toml(user_path)
        _refuse_secrets(user_data, user_path)
        data = _merge(data, user_data)
    try:
        settings = Settings(**data)
        if overrides:
            settings = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        raise ConfigError(_describe(exc.errors()[0]), where="config") from None
    except ValueError as exc:  # malformed JSON in a TRACKER_* list variable, for instance
        raise ConfigError(str(exc).splitlines()[0], where="config") from None
    _warn_unknown(settings)
    return settings
