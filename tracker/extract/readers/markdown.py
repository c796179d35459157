"""Markdown to the plain text a reader of the rendered page sees (markdown-it-py), and the
Markdown document reader with its optional front matter. Layer 2: pure, no I/O.

Rendering rules: blocks (headings, paragraphs, code, tables) are separated by a blank line; the
items of one list (nested lists included) go one per line; ordered-list numbers are kept as
written ("3. "), bullets are dropped; emphasis, code and link markup is dropped but the link text
kept; images are dropped; table cells are joined by " | "; soft line breaks become spaces.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from tracker.model import Document, Span

from . import html as html_reader
from ._common import Blocks, check_kind, collapse, date_field, decode, squeeze
from .instruments import instrument_from_title, kind_from_title

_MD = MarkdownIt("commonmark", {"html": True}).enable("table")
_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)", re.DOTALL)
_FRONT_KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*)")


def render(source: str) -> tuple[str, str | None, Span | None]:
    """Render Markdown; returns (text, first heading, span of that heading in the text)."""
    blocks = Blocks()
    heading: str | None = None
    heading_span: Span | None = None
    list_depth = 0
    list_group: object = None
    prefix = ""
    in_heading = False
    table_group: object = None
    cells: list[str] | None = None
    for token in _MD.parse(source):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            if list_depth == 0:
                list_group = object()
            list_depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif kind == "list_item_open":
            prefix = f"{token.info}{token.markup} " if token.info else ""
        elif kind == "heading_open":
            in_heading = True
        elif kind == "heading_close":
            in_heading = False
        elif kind == "table_open":
            table_group = object()
        elif kind == "tr_open":
            cells = []
        elif kind == "tr_close" and cells is not None:
            blocks.add(" | ".join(cells), table_group)
            cells = None
        elif kind == "inline":
            text = inline_text(token.children or [])
            if cells is not None:
                cells.append(text)
                continue
            span = blocks.add(prefix + text, list_group if list_depth else None)
            prefix = ""
            if in_heading and heading is None and span is not None:
                heading, heading_span = text, span
        elif kind in ("fence", "code_block"):
            blocks.add(prefix + token.content, list_group if list_depth else None, verbatim=True)
            prefix = ""
        elif kind == "html_block":
            blocks.add(prefix + html_reader.fragment_text(token.content), list_group if list_depth else None)
            prefix = ""
    return blocks.text, heading, heading_span


def inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    for child in children:
        kind = child.type
        if kind == "text":
            parts.append(squeeze(child.content))
        elif kind == "code_inline":
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
        elif kind == "html_inline":
            if re.match(r"<br\b", child.content, re.IGNORECASE):
                parts.append("\n")
        elif kind == "image" or kind.endswith(("_open", "_close")):
            continue
        else:
            parts.append(squeeze(child.content))
    return collapse("".join(parts))


def split_front_matter(source: str) -> tuple[dict[str, str], str]:
    """`---` / `key: value` lines / `---` at the very top; anything fancier than scalars is kept
    as its raw string. Without a closing fence the `---` is an ordinary thematic break."""
    match = _FRONT_MATTER.match(source)
    if not match:
        return {}, source
    values: dict[str, str] = {}
    for line in match.group(1).splitlines():
        if key_value := _FRONT_KEY.fullmatch(line.strip()):
            key, value = key_value.group(1).lower(), key_value.group(2).strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            values[key] = value
    return values, source[match.end() :]


def read_markdown(source: str, data: bytes) -> Document:
    front, body = split_front_matter(decode(data, source))
    text, heading, heading_span = render(body)
    title = front.get("title") or heading
    kind = check_kind(front["kind"], source) if front.get("kind") else kind_from_title(title)
    fields = {"title": heading_span} if heading_span is not None and title == heading else {}
    meta: dict[str, Any] = dict(front)
    return Document(
        text=text,
        source=source,
        kind=kind,
        title=title,
        issued=date_field(front, "issued", source, strict=True),
        published=date_field(front, "published", source, strict=True)
        or date_field(front, "date", source, strict=True),
        enacted=date_field(front, "enacted", source, strict=True),
        effective=date_field(front, "effective", source, strict=True),
        url=front.get("url") or front.get("source") or None,
        instrument=front.get("instrument") or instrument_from_title(title),
        fields=fields,
        meta=meta,
    )
