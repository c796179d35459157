"""Errors the user can act on; each carries its exit code and a one-line message.

Layer 1: imports nothing from the project and nothing outside the standard library.
"""

from __future__ import annotations


class TrackerError(Exception):
    """Base class: the CLI catches this in one place and prints `tracker: <where>: <message>`."""

    exit_code = 1

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class UsageError(TrackerError):
    exit_code = 2


class NotFound(TrackerError):
    exit_code = 3


class BadInput(TrackerError):
    """A document or phrase that cannot be read; batches go on past it."""

    exit_code = 4


class ConfigError(TrackerError):
    exit_code = 5


class DatabaseError(TrackerError):
    exit_code = 6


class NetworkError(TrackerError):
    """Network or SMTP failure."""

    exit_code = 7
