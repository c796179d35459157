"""JSON documents: news articles (title, summary, body in Markdown, HTML or plain text) and
Federal Register API documents. Layer 2: pure, no I/O.

Both become title, summary and body joined by blank lines, with `Document.fields` giving each
part's span. Article fields are looked up under their common names (see the *_KEYS tuples); the
first non-empty one wins. An article's date is its publication date: `issued` stays None, since
the order it reports on was signed earlier and the extractor finds that date in the text.
"""

from __future__ import annotations

import re
from typing import Any

from tracker.model import Document

from . import html, markdown
from ._common import (
    MARKDOWN_LINK,
    Assembler,
    as_text,
    collapse,
    date_field,
    fail,
    first,
    json_object,
    shorten,
    squeeze,
)
from .instruments import instrument_from_title

TITLE_KEYS = ("title", "headline")
SUMMARY_KEYS = ("summary", "description", "excerpt", "abstract")
BODY_KEYS = (
    "body_md", "body_markdown", "markdown", "body_html", "content_html", "html", "body", "articleBody",
    "content", "text", "body_text", "content_text",
)  # fmt: skip
DATE_KEYS = (
    "published_at", "publishedAt", "published", "datePublished", "date_published", "pubDate",
    "publication_date", "date",
)  # fmt: skip
URL_KEYS = ("url", "link", "canonical_url", "canonical", "permalink")
_BODY_FORMAT = {
    "body_md": "markdown", "body_markdown": "markdown", "markdown": "markdown",
    "body_html": "html", "content_html": "html", "html": "html",
    "body_text": "text", "content_text": "text",
}  # fmt: skip
_HTML_HINT = re.compile(
    r"<(?:p|div|br|h[1-6]|ul|ol|li|span|a|strong|em|b|i|blockquote|table|section|article|pre)\b[^<>]*>",
    re.IGNORECASE,
)
_MARKDOWN_HINT = re.compile(
    rf"(?:\*\*|__)\S|{MARKDOWN_LINK}|^#{{1,6}}[ \t]|^[ \t]{{0,3}}[-*+][ \t]+\S|^[ \t]{{0,3}}>|`[^`\n]+`",
    re.MULTILINE,
)
FR_BODY_KEYS = ("body", "full_text", "raw_text", "body_html")
_FR_KINDS = {
    "executive order": "executive_order",
    "memorandum": "memorandum",
    "proclamation": "proclamation",
    "notice": "notice",
}


def to_text(value: str, fmt: str | None = None) -> str:
    """Markup to the text a user sees; `fmt` None guesses HTML, then Markdown, else plain text
    kept as written (so an ordinary "*" or "_" in plain text is never taken for markup)."""
    if fmt is None:
        fmt = "html" if _HTML_HINT.search(value) else "markdown" if _MARKDOWN_HINT.search(value) else "text"
    if fmt == "html":
        return html.fragment_text(value)
    if fmt == "markdown":
        return markdown.render(value)[0]
    return value.strip()


def _title(obj: dict[str, Any], where: str) -> str | None:
    found = first(obj, TITLE_KEYS)
    if found is None:
        return None
    title = as_text(found[1], found[0], where)
    if _HTML_HINT.search(title) or "&" in title:
        title = html.fragment_text(title)
    return collapse(squeeze(title)) or None


def is_federal_register(obj: dict[str, Any]) -> bool:
    return "document_number" in obj and ("publication_date" in obj or "type" in obj)


def read_json(source: str, data: bytes) -> Document:
    """A JSON object: a Federal Register document when it has the API's keys, else an article."""
    obj = json_object(data, source)
    obj = _unwrap_results(obj, source)
    return read_federal_register(source, obj) if is_federal_register(obj) else read_article(source, obj)


def read_fr_json(source: str, data: bytes) -> Document:
    return read_federal_register(source, _unwrap_results(json_object(data, source), source))


def _unwrap_results(obj: dict[str, Any], where: str) -> dict[str, Any]:
    """A Federal Register search answer ({"count": 1, "results": [{...}]}) holding one document."""
    results = obj.get("results")
    if not isinstance(results, list) or "document_number" in obj:
        return obj
    if len(results) != 1 or not isinstance(results[0], dict):
        raise fail(f"JSON holds a list of {len(results)} results; expected one document", where)
    return results[0]


def read_article(source: str, obj: dict[str, Any]) -> Document:
    summary = first(obj, SUMMARY_KEYS)
    body = first(obj, BODY_KEYS)
    if summary is None and body is None:
        keys = ", ".join(("body_md", "body_html", "body", "content", "text", "summary"))
        raise fail(f"JSON object has no article text (expected one of {keys})", source)
    title = _title(obj, source)
    parts = Assembler()
    parts.add("title", title or "")
    if summary is not None:
        parts.add("summary", to_text(as_text(summary[1], summary[0], source)))
    if body is not None:
        key, value = body
        parts.add("body", to_text(as_text(value, key, source), _BODY_FORMAT.get(key)))
    published = None
    for key in DATE_KEYS:
        if (published := date_field(obj, key, source, strict=False)) is not None:
            break
    url = first(obj, URL_KEYS)
    used = {found[0] for found in (summary, body) if found is not None}
    return Document(
        text=parts.text,
        source=source,
        kind="article",
        title=title,
        published=published,
        url=url[1] if url is not None and isinstance(url[1], str) else None,
        fields=parts.fields,
        meta={key: value for key, value in obj.items() if key not in used},
    )


def _number(obj: dict[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise fail(f"field {key!r} is not a number: {shorten(value)}", where)
    return str(value).strip()


def _fr_kind(obj: dict[str, Any]) -> str:
    if obj.get("executive_order_number"):
        return "executive_order"
    doc_type = str(obj.get("type") or "").strip().lower()
    subtype = str(obj.get("subtype") or "").strip().lower()
    if doc_type == "presidential document" or (subtype and not doc_type):
        return _FR_KINDS.get(subtype, "unknown")
    return "rule"  # rules, proposed rules and agency notices alike, as the corpus files them


def read_federal_register(source: str, obj: dict[str, Any]) -> Document:
    """A Federal Register API document. Text: title, abstract, a "DATES: ..." paragraph from the
    `dates` string (left out when the body already states it), body. Dates must be ISO dates."""
    instrument = None
    if eo := _number(obj, "executive_order_number", source):
        instrument = f"EO {eo}"
    elif proclamation := _number(obj, "proclamation_number", source):
        instrument = f"Proc. {proclamation}"
    elif isinstance(number := obj.get("document_number"), str | int) and str(number).strip():
        instrument = f"FR Doc. {str(number).strip()}"
    body = ""
    if (found := first(obj, FR_BODY_KEYS)) is not None:
        raw = as_text(found[1], found[0], source)
        body = to_text(raw, "html" if found[0] == "body_html" or _HTML_HINT.search(raw) else "text")
    parts = Assembler()
    title = _title(obj, source)
    parts.add("title", title or "")
    if (abstract := first(obj, ("abstract",))) is not None:
        parts.add("summary", to_text(as_text(abstract[1], "abstract", source), "text"))
    if (dates := first(obj, ("dates",))) is not None:
        stated = collapse(squeeze(as_text(dates[1], "dates", source)))
        if stated and stated not in collapse(squeeze(body)):
            parts.add("dates", stated if stated.upper().startswith("DATES:") else f"DATES: {stated}")
    parts.add("body", body)
    if not parts.text:
        raise fail("Federal Register document has no title, abstract or body text", source)
    date_field(obj, "comments_close_on", source, strict=True)
    url = first(obj, ("html_url", "url", "pdf_url"))
    return Document(
        text=parts.text,
        source=source,
        kind=_fr_kind(obj),
        title=title,
        issued=date_field(obj, "signing_date", source, strict=True),
        published=date_field(obj, "publication_date", source, strict=True),
        effective=date_field(obj, "effective_on", source, strict=True),
        url=url[1] if url is not None and isinstance(url[1], str) else None,
        instrument=instrument or instrument_from_title(title),
        fields=parts.fields,
        meta={key: value for key, value in obj.items() if key not in FR_BODY_KEYS},
    )
