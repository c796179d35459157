"""Plain-text documents and the `.meta.json` sidecar that dates them. Layer 2: pure, no I/O.

The text is the decoded file exactly (only a byte-order mark is dropped): offsets found in it are
offsets into the file's characters, so `text[start:end] == quote` holds for what the user has.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from tracker.model import Document

from ._common import as_text, check_kind, date_field, decode, fail, json_object
from .instruments import instrument_from_title

SIDECAR_SUFFIX = ".meta.json"
_DATES = ("issued", "published", "enacted", "effective")


def sidecar_path_for(path: str) -> str:
    """The sidecar of a document: its path with the last extension replaced by ".meta.json"
    ("docs/x.txt" → "docs/x.meta.json"; "docs/x" → "docs/x.meta.json")."""
    stem, _ = os.path.splitext(path)
    return stem + SIDECAR_SUFFIX


def read_text(source: str, data: bytes) -> Document:
    return Document(text=decode(data, source), source=source)


def apply_sidecar(doc: Document, sidecar: bytes, where: str) -> Document:
    """Overlay sidecar metadata on a document read in any format; the sidecar wins where it
    gives a value. Its dates must be dates: a bad sidecar is a `BadInput` naming the sidecar.

    `instrument` comes from the sidecar's own "instrument", else (for an article) from the
    instrument it "reports_on", else from its title; `meta` gains the whole sidecar dict.
    """
    if not sidecar.strip():
        raise fail("sidecar is empty", where)
    meta = json_object(sidecar, where, what="sidecar JSON")
    changes: dict[str, Any] = {}
    for key in ("title", "instrument"):
        if meta.get(key) is not None:
            changes[key] = " ".join(as_text(meta[key], key, where).split()) or None
    if meta.get("kind") is not None:
        changes["kind"] = check_kind(meta["kind"], where)
    for key in _DATES:
        if (value := date_field(meta, key, where, strict=True)) is not None:
            changes[key] = value
    for key in ("url", "source"):
        if meta.get(key) is not None:
            changes["url"] = as_text(meta[key], key, where)
            break
    if "instrument" not in changes:
        kind = changes.get("kind", doc.kind)
        reports_on = meta.get("reports_on") if kind == "article" else None
        title = changes.get("title", doc.title)
        issued = changes.get("issued", doc.issued)
        found = instrument_from_title(reports_on if isinstance(reports_on, str) else None)
        found = found or instrument_from_title(title, issued=issued if kind == "memorandum" else None)
        if found:
            changes["instrument"] = found
    changes["meta"] = {**doc.meta, **meta}
    return dataclasses.replace(doc, **changes)
