"""PDF documents (pypdf): the extracted text of every page, pages joined by a blank line.
Layer 2: pure, no I/O.

A PDF that needs a password, or whose pages hold no text (a scan), is a `BadInput`: there is no
text to find deadlines in, and an OCR step is the user's to choose. `meta["pages"]` gives each
page's start offset in the text, so a quote can be cited by page.
"""

from __future__ import annotations

import io
import logging
import warnings

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from tracker.errors import BadInput
from tracker.model import Document

from ._common import collapse, fail, squeeze
from .instruments import instrument_from_title, kind_from_title

# pypdf logs what it repairs ("EOF marker not found") through `logging`; with no handler configured,
# Python prints those on stderr, beside the one line that names the file. A handler here keeps them
# out of the terminal, while a program that configures logging (the daemon) still receives them.
logging.getLogger("pypdf").addHandler(logging.NullHandler())


def read_pdf(source: str, data: bytes) -> Document:
    # pypdf reports damaged-but-readable files through `warnings`; they are not the user's error.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return _read(source, data)
        except BadInput:
            raise
        except FileNotDecryptedError:
            raise fail("is an encrypted PDF that cannot be opened without a password", source) from None
        except DependencyError:
            raise fail(
                "is an AES-encrypted PDF; reading it needs the 'cryptography' package", source
            ) from None
        except Exception as exc:  # pypdf raises many types (and RecursionError) on damaged files
            raise fail(f"is not a readable PDF ({type(exc).__name__})", source) from None


def _read(source: str, data: bytes) -> Document:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise fail("is an encrypted PDF that cannot be opened without a password", source)
    pages: list[str] = []
    for page in reader.pages:
        pages.append((page.extract_text() or "").strip())
    text = ""
    starts: list[int] = []
    for page_text in pages:
        if text and page_text:
            text += "\n\n"
        starts.append(len(text))
        text += page_text
    if not text.strip():
        raise fail("has no extractable text (a scanned or image-only PDF?)", source)
    title = None
    metadata = reader.metadata
    if metadata is not None and isinstance(metadata.title, str):
        title = collapse(squeeze(metadata.title)) or None
    return Document(
        text=text,
        source=source,
        kind=kind_from_title(title),
        title=title,
        instrument=instrument_from_title(title),
        meta={"pages": tuple(starts)},
    )
