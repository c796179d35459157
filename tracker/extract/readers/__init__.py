"""Readers: the bytes of a document (plain text with its sidecar, a JSON article, a Federal
Register API document, Markdown, HTML, PDF) become one frozen `Document`.

Layer 2: pure. The caller reads the files (the sidecar too: `sidecar_path_for` names it); nothing
here touches files, the network or the clock. A user's unreadable input raises `BadInput` with a
one-line message naming it, never a library's exception.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from types import MappingProxyType
from urllib.parse import urlsplit

from tracker.errors import BadInput, UsageError
from tracker.model import Document

from ._common import MARKDOWN_LINK, fail, require_text
from .article import read_fr_json, read_json
from .html import read_html
from .instruments import instrument_from_title, kind_from_title, signed_instrument
from .markdown import read_markdown
from .pdf import read_pdf
from .text import SIDECAR_SUFFIX, apply_sidecar, read_text, sidecar_path_for

__all__ = [
    "FORMATS",
    "SIDECAR_SUFFIX",
    "format_for",
    "instrument_from_title",
    "kind_from_title",
    "read",
    "sidecar_path_for",
    "sniff",
]

_READERS: dict[str, Callable[[str, bytes], Document]] = {
    "text": read_text,
    "json": read_json,
    "fr_json": read_fr_json,
    "markdown": read_markdown,
    "html": read_html,
    "pdf": read_pdf,
}
FORMATS = tuple(_READERS)
_ALIASES = {
    **{name: name for name in FORMATS},
    "txt": "text",
    "article": "json",
    "fr": "fr_json",
    "federal_register": "fr_json",
    "md": "markdown",
    "htm": "html",
    "xhtml": "html",
}
_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".json": "json",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}
_HTML_START = re.compile(
    r"<(?:!doctype\s+html|html|head|body|title|meta|p|div|h[1-6]|article|section|main|table|ul|ol)\b",
    re.IGNORECASE,
)
_FR_KEYS = re.compile(r'"document_number"\s*:')
# Front matter is matched line by line ("[^\n]*\n", not ".*\r?\n", which splits a CRLF line two
# ways: exponential time on an unclosed block of CRLF lines).
_MARKDOWN = re.compile(
    rf"\A---[ \t]*\r?\n(?:[^\n]*\n)*?---[ \t]*\r?\n|^#{{1,6}}[ \t]+\S|{MARKDOWN_LINK}|\*\*\S[^*\n]*\*\*",
    re.MULTILINE,
)


def sniff(data: bytes) -> str:
    """Guess a format from the bytes: pdf, fr_json, json, html, markdown, or text (the default,
    whose reader also rejects binary data)."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    head = data[:65536].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if head.startswith(("{", "[")):
        return "fr_json" if _FR_KEYS.search(head) else "json"
    if head.startswith("<") and _HTML_START.search(head[:2048]):
        return "html"
    if _MARKDOWN.search(head):
        return "markdown"
    return "text"


def format_for(source: str, data: bytes, fmt: str | None = None) -> str:
    """The format to read: `fmt` if given, else the extension of `source` (a path or URL), else
    `sniff(data)`. A ".json" file holding a Federal Register document is detected by its keys."""
    if fmt is not None:
        name = _ALIASES.get(fmt.strip().lower().lstrip("."))
        if name is None:
            raise UsageError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}", where=source)
        return name
    path = urlsplit(source).path if "://" in source else source
    dot = path.rfind(".")
    if dot > max(path.rfind("/"), path.rfind("\\")) and (name := _EXTENSIONS.get(path[dot:].lower())):
        return name
    return sniff(data)


def read(source: str, data: bytes, *, sidecar: bytes | None = None, fmt: str | None = None) -> Document:
    """Read one document. `source` is the path or URL as given (it names the document in messages
    and becomes `Document.source`); `sidecar` holds the bytes of its `.meta.json`, if any.

    Raises `BadInput` for anything that cannot be read, and `UsageError` for an unknown `fmt`.
    """
    data = bytes(data)
    name = format_for(source, data, fmt)
    if not data:
        raise fail("is empty", source)
    try:
        doc = _READERS[name](source, data)
    except BadInput as exc:
        if exc.where is None:  # raised deep inside (an HTML fragment of an article): name the file
            raise fail(exc.message, source) from None
        raise
    if sidecar is not None:
        doc = apply_sidecar(doc, bytes(sidecar), sidecar_path_for(source))
    require_text(doc.text, source)
    if doc.issued is None and doc.kind in _SIGNED_KINDS:
        doc = _signed(doc)
    return dataclasses.replace(
        doc, fields=MappingProxyType(dict(doc.fields)), meta=MappingProxyType(dict(doc.meta))
    )


_SIGNED_KINDS = ("unknown", "executive_order", "memorandum", "proclamation")


def _signed(doc: Document) -> Document:
    """A presidential instrument read without its date: the kind from its opening formula (when unknown)
    and the signing date from its signature block, which the anchor's explanation then names."""
    kind, signed, block = signed_instrument(doc.text)
    if kind and doc.kind == "unknown":
        doc = dataclasses.replace(doc, kind=kind)
    if signed is not None:
        doc = dataclasses.replace(
            doc, issued=signed, meta={**doc.meta, "issued_from": f"signature block: {block}"}
        )
    return doc
