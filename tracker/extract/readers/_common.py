"""Helpers shared by the readers: decoding, JSON loading, date fields, text assembly, errors.

Layer 2: pure. No file or network I/O, no clock; raises only `BadInput` for a user's bad bytes.
"""

from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import json
import re
from collections.abc import Mapping
from typing import Any

from tracker.errors import BadInput
from tracker.model import Span

KINDS = frozenset(
    {"executive_order", "memorandum", "proclamation", "notice", "statute", "rule", "article", "unknown"}
)
MAX_JSON_DEPTH = 100
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
# A string runs to its closing quote, or to the end of an unterminated text. A pattern that can fail
# here is tried again from every later quote: quadratic time on a quote and a million escaped quotes.
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")
#: A Markdown link, "[text](address)", for guessing formats. A bracket or parenthesis that cannot be
#: part of one ends the match, so a candidate is settled before the next "[": matching on to the
#: end of the text from every "[" would take quadratic time on "[a](b" repeated.
MARKDOWN_LINK = r"\[[^\[\]\n]+\]\((?:[^()\s]|\([^()\s]*\))++\)"


def fail(message: str, where: str) -> BadInput:
    """A `BadInput` whose message is always one line, whatever user data it quotes."""
    return BadInput(" ".join(message.split()), where=where)


def check_kind(kind: Any, where: str) -> str:
    if not isinstance(kind, str) or kind not in KINDS:
        raise fail(f"kind {shorten(kind)} is not one of {', '.join(sorted(KINDS))}", where)
    return kind


def shorten(value: object, limit: int = 60) -> str:
    """`repr` of a user value, cut so that an error message stays one short line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- decoding -------------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode(data: bytes, where: str, *, fallback: str | None = "cp1252") -> str:
    """Decode a text file: a byte-order mark wins, then strict UTF-8, then `fallback`.

    The BOM is dropped (it is not text a user sees); nothing else is changed, so offsets into the
    result are stable. UTF-16 is accepted only with a BOM. `fallback` (cp1252, the usual encoding
    of text saved on Windows) is tried only when UTF-8 fails; it is None for JSON, which RFC 8259
    requires to be UTF-8. Text with NUL bytes or many control characters is binary data.
    """
    text = None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise fail(
                    f"is not valid {codec.upper()} text (bad byte at offset {exc.start})", where
                ) from None
            break
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if fallback is None or b"\x00" in data:
                raise fail(f"is not valid UTF-8 (bad byte at offset {exc.start})", where) from None
            try:
                text = data.decode(fallback)
            except UnicodeDecodeError:
                raise fail(
                    f"is not readable text (neither UTF-8 nor {fallback}; bad byte at offset {exc.start})",
                    where,
                ) from None
    if looks_binary(text):
        raise fail("is binary data, not a text document", where)
    return text


def looks_binary(text: str) -> bool:
    """NUL, or more than 1 in 100 characters being control characters that text files never hold."""
    if "\x00" in text:
        return True
    limit = max(2, len(text) // 100)
    # Counted one by one and given up at the limit: 50 MB of control characters must not become a list.
    return any(i >= limit for i, _ in enumerate(_BINARY_CONTROLS.finditer(text)))


def require_text(text: str, where: str) -> None:
    if not text.strip():
        raise fail("has no text", where)


# --- JSON -----------------------------------------------------------------------------------


def json_depth(text: str) -> int:
    """Deepest bracket nesting outside strings (cheap: strings removed, brackets counted)."""
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def load_json(data: bytes, where: str, *, what: str = "JSON") -> Any:
    """Parse UTF-8 JSON; every failure (syntax, depth, huge integers) becomes a one-line `BadInput`."""
    text = decode(data, where, fallback=None)
    if json_depth(text) > MAX_JSON_DEPTH:
        raise fail(f"{what} is nested more than {MAX_JSON_DEPTH} levels deep", where)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise fail(f"{what} is truncated (ends at line {exc.lineno})", where) from None
        raise fail(f"{what} is invalid: {exc.msg} at line {exc.lineno}, column {exc.colno}", where) from None
    except (ValueError, RecursionError) as exc:
        raise fail(f"{what} cannot be read: {exc}", where) from None


def json_object(data: bytes, where: str, *, what: str = "JSON") -> dict[str, Any]:
    value = load_json(data, where, what=what)
    if not isinstance(value, dict):
        raise fail(f"{what} is {_json_type(value)}, not an object", where)
    return value


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    return {bool: "a boolean", str: "a string", int: "a number", float: "a number"}.get(
        type(value), "a value"
    )


# --- field access ---------------------------------------------------------------------------


def first(obj: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str, Any] | None:
    """The first of `keys` present with a non-empty value, as (key, value)."""
    for key in keys:
        value = obj.get(key)
        if value not in (None, "", [], {}):
            return key, value
    return None


def as_text(value: Any, key: str, where: str) -> str:
    """A string field; WordPress-style {"rendered": "..."} objects are unwrapped."""
    if isinstance(value, dict) and isinstance(value.get("rendered"), str):
        value = value["rendered"]
    if not isinstance(value, str):
        raise fail(f"field {key!r} is {_json_type(value)}, not text", where)
    return value


_MONTH_DATE = re.compile(r"([A-Z][a-z]+)\.? (\d{1,2}), (\d{4})$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|[T ]\d)")


def parse_date(value: Any) -> dt.date | None:
    """A date from an ISO date or timestamp, an RFC 2822 date, or "June 3, 2026"; None if not one.

    Timestamps keep the calendar date as written ("2026-06-29T23:30:00-04:00" is June 29): the
    publisher's local date is the one its text means by "today"; converting to UTC would move it.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if match := _ISO_DATE.match(text):
            return dt.date(*map(int, match.groups()))
        if match := _MONTH_DATE.match(text):
            month = _MONTHS.get(match.group(1).lower())
            return dt.date(int(match.group(3)), month, int(match.group(2))) if month else None
        if re.match(r"(?:[A-Za-z]{3}, )?\d{1,2} [A-Za-z]{3} \d{4}", text):
            return email.utils.parsedate_to_datetime(text).date()
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    return None


def date_field(obj: Mapping[str, Any], key: str, where: str, *, strict: bool) -> dt.date | None:
    """A date field; `strict` (our own formats) turns a bad value into `BadInput`."""
    value = obj.get(key)
    if value in (None, ""):
        return None
    parsed = parse_date(value)
    if parsed is None and strict:
        raise fail(f"field {key!r} is not a date: {shorten(value)}", where)
    return parsed


# --- text assembly --------------------------------------------------------------------------


class Blocks:
    """Rendered blocks joined by a blank line; consecutive blocks of one group (the items of a
    list, the rows of a table) by a single newline. `add` returns where the block landed."""

    def __init__(self) -> None:
        self._out: list[str] = []
        self._length = 0
        self._group: object = None

    def add(self, text: str, group: object = None, *, verbatim: bool = False) -> Span | None:
        """`verbatim` (preformatted text) keeps leading spaces; only blank lines around go."""
        text = text.strip("\r\n").rstrip() if verbatim else text.strip()
        if not text.strip():
            return None
        if self._out:
            sep = "\n" if group is not None and group is self._group else "\n\n"
            self._out.append(sep)
            self._length += len(sep)
        self._out.append(text)
        start, self._length = self._length, self._length + len(text)
        self._group = group
        return Span(start, self._length)

    @property
    def text(self) -> str:
        return "".join(self._out)


_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_AROUND_NEWLINE = re.compile(r" *\n *")


def collapse(text: str) -> str:
    """Whitespace as a browser shows it: runs become one space; explicit breaks (\\n) are kept.

    Callers pass source whitespace through `squeeze` first and add real breaks afterwards.
    """
    return _AROUND_NEWLINE.sub("\n", re.sub(" {2,}", " ", text)).strip()


def squeeze(text: str) -> str:
    """Runs of source whitespace (newlines and no-break spaces included) to one space."""
    return _SPACES.sub(" ", text)


class Assembler:
    """Joins named parts with blank lines and remembers where each part landed."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.fields: dict[str, Span] = {}

    def add(self, name: str | None, text: str) -> None:
        text = text.strip()
        if not text:
            return
        if self._parts:
            self._parts.append("\n\n")
            self._length += 2
        if name is not None:
            self.fields[name] = Span(self._length, self._length + len(text))
        self._parts.append(text)
        self._length += len(text)

    @property
    def text(self) -> str:
        return "".join(self._parts)
