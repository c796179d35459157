"""Where the tracker's files live: the shipped defaults, the user's configuration and data folders.

Layer 1 (standard library and platformdirs): read by the configuration and by the lean listing,
which must find the same files without loading the configuration machinery.
"""

from __future__ import annotations

from pathlib import Path

APP_NAME = "regulatory-deadline-tracker"  # the platformdirs name of the config and data folders


def shipped_config_path() -> Path:
    """The documented defaults at the top of a source checkout (absent from a wheel install)."""
    return Path(__file__).resolve().parent.parent / "config" / "tracker.toml"


def user_config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME)) / "tracker.toml"


def default_database_path() -> Path:
    """The embedded default database: a SQLite file in the user data dir."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME)) / "tracker.db"
