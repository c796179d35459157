"""Readers: bytes of each format → Document, exact texts and dates; every bad input → BadInput."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from tracker.errors import BadInput, UsageError
from tracker.extract import extract
from tracker.extract.readers import (
    SIDECAR_SUFFIX,
    format_for,
    instrument_from_title,
    kind_from_title,
    read,
    sidecar_path_for,
    sniff,
)
from tracker.model import Document

DATA = Path(__file__).resolve().parent / "data" / "readers"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus" / "docs"
SEED_ARTICLE = SHARED / "examples" / "customs-ai-eo-14411.json"
D = dt.date


def read_data(name: str, *, sidecar: bool = False) -> Document:
    path = DATA / name
    meta = (DATA / Path(sidecar_path_for(name)).name).read_bytes() if sidecar else None
    return read(name, path.read_bytes(), sidecar=meta)


def make_pdf(*pages: str) -> bytes:
    """A minimal valid PDF, one line of Helvetica text per page, built by hand."""
    kids = [4 + 2 * i for i in range(len(pages))]
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(pages)} >>".encode(),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    for kid, text in zip(kids, pages, strict=True):
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET".encode("latin-1")
        objects[kid] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (kid + 1)
        )
        objects[kid + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number in sorted(objects):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def encrypt_pdf(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- plain text with sidecar --------------------------------------------------------------


def test_text_with_sidecar_maps_every_field() -> None:
    doc = read_data("order-harbor.txt", sidecar=True)
    assert doc.text == (DATA / "order-harbor.txt").read_text(encoding="utf-8")
    assert doc.source == "order-harbor.txt"
    assert doc.kind == "executive_order"
    assert doc.title == "Executive Order 19001 of March 2, 2026: Modernizing Harbor Inspections"
    assert (doc.issued, doc.published, doc.enacted, doc.effective) == (
        D(2026, 3, 2),
        D(2026, 3, 5),
        None,
        None,
    )
    assert doc.url == "https://example.org/orders/19001"
    assert doc.instrument == "EO 19001"
    assert doc.meta["id"] == "order-harbor"
    assert doc.meta["text_note"] == "Invented order written for the reader tests."
    quote = "Within 90 days of the date of this order"
    start = doc.text.index(quote)
    assert doc.text[start : start + len(quote)] == quote


def test_text_without_sidecar_knows_nothing_but_its_text() -> None:
    doc = read("notes.txt", b"Reports are due within 30 days.\n")
    assert doc == Document(text="Reports are due within 30 days.\n", source="notes.txt")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"line one\r\nline two\r\n", "line one\r\nline two\r\n"),  # CRLF kept: offsets are the file's
        (b"\xef\xbb\xbfWith a BOM", "With a BOM"),  # only the byte-order mark is dropped
        (b"  indented\t\ttabs  \n\n\n", "  indented\t\ttabs  \n\n\n"),
        ("caf\u00e9 \u2014 \u00a7 2".encode(), "caf\u00e9 \u2014 \u00a7 2"),
        (b"\x93Smart quotes\x94 from Windows", "\u201cSmart quotes\u201d from Windows"),  # cp1252 fallback
        (b"\xff\xfeU\x00T\x00F\x00-\x001\x006\x00", "UTF-16"),  # UTF-16 only with its BOM
    ],
    ids=["crlf", "bom", "whitespace", "utf8", "cp1252", "utf16"],
)
def test_text_is_the_decoded_file(data: bytes, expected: str) -> None:
    assert read("doc.txt", data).text == expected


def test_sidecar_instrument_of_an_article_is_the_order_it_reports_on() -> None:
    sidecar = {
        "title": "FACT SHEET: Harbors",
        "kind": "article",
        "reports_on": "Executive Order 19001 of March 2",
    }
    doc = read("a.txt", b"Text.", sidecar=json.dumps(sidecar).encode())
    assert (doc.kind, doc.instrument) == ("article", "EO 19001")


def test_sidecar_overrides_what_another_format_says() -> None:
    sidecar = b'{"issued": "2026-03-01", "kind": "notice", "url": "https://example.org/x"}'
    doc = read("page-harbor.html", (DATA / "page-harbor.html").read_bytes(), sidecar=sidecar)
    assert (doc.kind, doc.issued, doc.published, doc.url) == (
        "notice",
        D(2026, 3, 1),
        D(2026, 3, 11),
        "https://example.org/x",
    )


def test_memorandum_without_a_dated_title_is_named_by_its_issued_date() -> None:
    sidecar = b'{"title": "Memorandum on Harbor Safety", "kind": "memorandum", "issued": "2026-04-01"}'
    assert read("m.txt", b"Text.", sidecar=sidecar).instrument == "PM 2026-04-01"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("docs/x.txt", "docs/x.meta.json"),
        ("docs/x", "docs/x.meta.json"),
        ("x.v2.txt", "x.v2.meta.json"),
        ("/abs/dir.d/order.md", "/abs/dir.d/order.meta.json"),
    ],
)
def test_sidecar_path_for(path: str, expected: str) -> None:
    assert sidecar_path_for(path) == expected
    assert expected.endswith(SIDECAR_SUFFIX)


# --- the shared corpus and seed article ----------------------------------------------------


def corpus_texts() -> list[Path]:
    return sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")
@pytest.mark.parametrize("path", corpus_texts(), ids=lambda path: path.stem)
def test_corpus_text_reads_as_its_file_with_sidecar_dates(path: Path) -> None:
    sidecar_bytes = Path(sidecar_path_for(str(path))).read_bytes()
    doc = read(str(path), path.read_bytes(), sidecar=sidecar_bytes)
    meta = json.loads(sidecar_bytes)
    assert doc.text == path.read_bytes().decode("utf-8")
    assert doc.kind == meta["kind"]
    assert doc.title == meta["title"]
    assert doc.url == meta["source"]
    for key in ("issued", "published", "enacted", "effective"):
        expected = D.fromisoformat(meta[key]) if meta.get(key) else None
        assert getattr(doc, key) == expected, key
    assert dict(doc.meta) == meta


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")
@pytest.mark.parametrize("path", corpus_texts(), ids=lambda path: path.stem)
def test_corpus_text_without_sidecar_is_dated_only_by_its_own_signature_block(path: Path) -> None:
    # With no metadata, a presidential text is dated by "THE WHITE HOUSE, <date>." at its end, and its kind
    # comes from its opening formula; what this finds must agree with the sidecar, and other texts
    # (articles, rules, a statute, a memorandum signed without the block) stay undated.
    meta = json.loads(Path(sidecar_path_for(str(path))).read_bytes())
    doc = read(str(path), path.read_bytes())
    text = path.read_text(encoding="utf-8")
    if "THE WHITE HOUSE" in text[-3000:]:
        assert doc.issued == D.fromisoformat(meta["issued"])
        assert doc.meta["issued_from"].startswith("signature block: THE WHITE HOUSE")
    else:
        assert doc.issued is None
    assert doc.kind in ("unknown", meta["kind"])
    if meta["kind"] == "executive_order":
        assert doc.kind == "executive_order"


def test_signature_block_dates_the_order_not_an_order_it_cites() -> None:
    text = (
        "Executive Order\n\nBy the authority vested in me as President by the Constitution and the laws of "
        "the United States of America, it is hereby ordered:\n\nSection 1. Policy. Executive Order 14100 of "
        "June 2, 2023 (Harbor Safety), is amended.\n\nSec. 2. Within 60 days of the date of this order, the "
        "Secretary of Transportation shall publish a harbor plan.\n\nTHE WHITE HOUSE,\n\n    March 3, 2025."
    )
    doc = read("order.txt", text.encode())
    assert (doc.kind, doc.issued) == ("executive_order", D(2025, 3, 3))
    (ob,) = extract(doc)
    assert ob.due.date == D(2025, 5, 2)
    assert ob.anchor.source == "signature block: THE WHITE HOUSE, March 3, 2025"
    # a report that mentions the White House in prose is not dated by it
    article = read("news.txt", b"Officials at the White House said on March 3, 2025 that the plan is late.\n")
    assert (article.kind, article.issued) == ("unknown", None)


def test_undated_order_text_never_borrows_the_date_of_an_order_it_cites() -> None:
    text = (
        "By the authority vested in me as President by the Constitution and the laws of the United States of "
        "America, it is hereby ordered:\n\nSection 1. Executive Order 14100 of June 2, 2023, is amended."
        "\n\nSec. 2. Within 60 days of the date of this order, the Secretary of Transportation shall publish "
        "a harbor plan."
    )
    doc = read("order.txt", text.encode())
    assert (doc.kind, doc.issued) == ("executive_order", None)
    (ob,) = extract(doc)
    assert (ob.anchor.text, ob.anchor.date, ob.due.date) == ("the date of this order", None, None)
    assert ob.instrument is None and "reported" not in ob.flags
    assert ob.confidence <= 0.8


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")
def test_corpus_instruments_and_gold_quotes() -> None:
    docs = {}
    for path in corpus_texts():
        docs[path.stem] = read(
            str(path), path.read_bytes(), sidecar=Path(sidecar_path_for(str(path))).read_bytes()
        )
    assert docs["eo-14017-americas-supply-chains"].instrument == "EO 14017"
    assert docs["pm-2021-01-27-scientific-integrity"].instrument == "PM 2021-01-27"
    assert docs["statute-pl-119-21-title-iv"].instrument == "Pub. L. 119-21"
    assert docs["rule-2016-04-15-ofac-hizballah-financial-sanctions"].instrument == "FR Doc. 2016-08720"
    assert docs["article-2023-09-20-east-palestine-fact-sheet"].instrument == "EO 14108"
    for line in (CORPUS.parent / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        assert row["quote"] in docs[row["doc_id"]].text


@pytest.mark.skipif(not SEED_ARTICLE.is_file(), reason=f"seed article not found at {SEED_ARTICLE}")
def test_seed_article() -> None:
    raw = json.loads(SEED_ARTICLE.read_bytes())
    doc = read(str(SEED_ARTICLE), SEED_ARTICLE.read_bytes())
    assert doc.kind == "article"
    assert "The White House issued Executive Order 14411 on June 3, 2026, directing" in doc.text
    assert "**" not in doc.text
    assert doc.text[doc.fields["title"].start : doc.fields["title"].end] == raw["title"]
    assert doc.text[doc.fields["summary"].start : doc.fields["summary"].end] == raw["summary"]
    body = doc.text[doc.fields["body"].start : doc.fields["body"].end]
    assert body.startswith("Editorial analysis: For AI/DS practitioners")
    assert body.endswith("(STRTrade; DHS).")
    assert doc.text == f"{raw['title']}\n\n{raw['summary']}\n\n{body}"
    assert (doc.published, doc.issued) == (D(2026, 6, 29), None)
    assert doc.url == raw["url"]
    assert doc.title == raw["title"]


# --- good inputs of every format -----------------------------------------------------------

GOOD = [
    (
        "article-variant.json",
        "Ports Get a Deadline\n\nA new order gives ports until year end to report.\n\n"
        "The order was signed on March 2, 2026.\n\nPort authorities must report by December 31, 2026.\n\n"
        "Plans within 90 days\nReports by year end",
        {
            "kind": "article",
            "title": "Ports Get a Deadline",
            "issued": None,
            "published": D(2026, 3, 4),  # the date as written, not moved to UTC
            "url": "https://example.org/news/ports-deadline",
            "instrument": None,
        },
        {"title": "Ports Get a Deadline", "summary": "A new order gives ports until year end to report."},
    ),
    (
        "fr-executive-order.json",
        "Modernizing Harbor Inspections\n\nBy the authority vested in me as President, it is hereby "
        "ordered as follows:\n\n"
        "Sec. 2. Within 90 days of the date of this order, the Secretary shall publish a plan.",
        {
            "kind": "executive_order",
            "title": "Modernizing Harbor Inspections",
            "issued": D(2026, 3, 2),
            "published": D(2026, 3, 5),
            "effective": None,
            "url": "https://example.org/fr/2026-04411",
            "instrument": "EO 19001",
        },
        {"title": "Modernizing Harbor Inspections"},
    ),
    (
        "fr-proposed-rule.json",
        "Harbor Inspection Scheduling Standards\n\n"
        "The Office proposes common scheduling standards for harbor inspections.\n\n"
        "DATES: Comments must be received on or before May 4, 2026.",
        {
            "kind": "rule",
            "issued": D(2026, 3, 13),
            "published": D(2026, 3, 19),
            "effective": None,
            "url": "https://example.org/fr/2026-05123",
            "instrument": "FR Doc. 2026-05123",
        },
        {"dates": "DATES: Comments must be received on or before May 4, 2026."},
    ),
    (
        "notice-harbor.md",
        "Harbor Inspection Hours\n\nThe Office announces new hours. Requests are due within 30 days of "
        "this notice; see the schedule.\n\n3. Inspections start at 08:00.\n"
        "4. Requests go to the harbor-desk inbox.\nby email\nby post\n\n"
        "(a) Late requests will be considered if time allows.\n\nPort | Hours\nNorth | 8-16",
        {
            "kind": "notice",
            "title": "Notice of Harbor Inspection Hours",
            "issued": D(2026, 3, 10),
            "published": D(2026, 3, 11),
            "url": "https://example.org/notices/harbor-hours",
        },
        {},
    ),
    (
        "page-harbor.html",
        "New Harbor Inspection Hours\n\nRequests are due within 30 days of this notice.\n\n"
        "3. Inspections start at 08:00.\n4. Late requests\nmay wait.\n\nPort | Hours\nNorth | 8-16",
        {
            "kind": "unknown",
            "title": "New Harbor Inspection Hours",
            "published": D(2026, 3, 11),
            "url": "https://example.org/notices/harbor-hours",
        },
        {},
    ),
]


@pytest.mark.parametrize(("name", "text", "attrs", "fields"), GOOD, ids=[row[0] for row in GOOD])
def test_good_inputs(name: str, text: str, attrs: dict[str, object], fields: dict[str, str]) -> None:
    doc = read_data(name)
    assert doc.text == text
    assert {key: getattr(doc, key) for key in attrs} == attrs
    for key, expected in fields.items():
        assert doc.text[doc.fields[key].start : doc.fields[key].end] == expected


def test_federal_register_meta_keeps_comment_date_and_document_number() -> None:
    doc = read_data("fr-proposed-rule.json")
    assert doc.meta["comments_close_on"] == "2026-05-04"
    assert doc.meta["document_number"] == "2026-05123"
    assert doc.meta["action"] == "Proposed rule; request for comments."


def test_federal_register_dates_paragraph_is_not_repeated_when_the_body_states_it() -> None:
    data = {
        "document_number": "2026-1",
        "type": "Rule",
        "title": "T",
        "dates": "Effective April 1, 2026.",
        "publication_date": "2026-03-01",
        "body": "ACTION: Final rule.\n\nDATES: Effective April 1, 2026.",
    }
    doc = read("rule.json", json.dumps(data).encode())
    assert doc.text == "T\n\nACTION: Final rule.\n\nDATES: Effective April 1, 2026."
    assert "dates" not in doc.fields


@pytest.mark.parametrize(
    ("extra", "kind", "instrument"),
    [
        ({"type": "Presidential Document", "subtype": "Memorandum"}, "memorandum", "FR Doc. 2026-2"),
        ({"type": "Presidential Document", "subtype": "Proclamation", "proclamation_number": "10999"},
         "proclamation", "Proc. 10999"),
        ({"type": "Presidential Document", "subtype": "Notice"}, "notice", "FR Doc. 2026-2"),
        ({"type": "Presidential Document", "subtype": "Determination"}, "unknown", "FR Doc. 2026-2"),
        ({"type": "Notice"}, "rule", "FR Doc. 2026-2"),
        ({"type": "Rule"}, "rule", "FR Doc. 2026-2"),
    ],
)  # fmt: skip
def test_federal_register_kinds(extra: dict[str, str], kind: str, instrument: str) -> None:
    data = {"document_number": "2026-2", "title": "A title", "publication_date": "2026-01-02", **extra}
    doc = read("fr.json", json.dumps(data).encode())
    assert (doc.kind, doc.instrument) == (kind, instrument)


def test_federal_register_search_answer_with_one_result() -> None:
    inner = json.loads((DATA / "fr-executive-order.json").read_bytes())
    doc = read("search.json", json.dumps({"count": 1, "results": [inner]}).encode())
    assert doc.instrument == "EO 19001"


@pytest.mark.parametrize(
    ("article", "text", "published"),
    [
        ({"title": "T", "content": {"rendered": "<p>A &amp; B</p>"}, "date": "2026-01-05T10:00:00"},
         "T\n\nA & B", D(2026, 1, 5)),
        ({"headline": "T", "articleBody": "Plain *text* stays_as_is",
          "pubDate": "Mon, 05 Jan 2026 10:00:00 +0000"},
         "T\n\nPlain *text* stays_as_is", D(2026, 1, 5)),
        ({"title": "T", "text": "See [the order](https://x.example).", "published": "January 5, 2026"},
         "T\n\nSee the order.", D(2026, 1, 5)),
        ({"title": "T", "body": "Body.", "published_at": "not a date"}, "T\n\nBody.", None),
        ({"summary": "Only a summary."}, "Only a summary.", None),
    ],
)  # fmt: skip
def test_article_variants(article: dict[str, object], text: str, published: dt.date | None) -> None:
    doc = read("a.json", json.dumps(article).encode())
    assert (doc.text, doc.published, doc.kind) == (text, published, "article")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# Title\n\nOne\ntwo  \nthree", "Title\n\nOne two\nthree"),
        ("*em* and __strong__ and `code`", "em and strong and code"),
        ("- a\n- b\n\nafter", "a\nb\n\nafter"),
        ("1) first\n2) second", "1) first\n2) second"),
        ("Image ![alt](pic.png) gone", "Image gone"),
        ("> quoted\n\n    code  kept", "quoted\n\ncode  kept"),
        ("a &amp; b", "a & b"),
        ("<div>\n<p>raw <b>html</b></p>\n</div>\n\nnext", "raw html\n\nnext"),
        ("---\ntitle: X\n---\nBody", "Body"),
        ("---\n\nNot front matter", "Not front matter"),
    ],
)
def test_markdown_rendering(source: str, expected: str) -> None:
    assert read("x.md", source.encode()).text == expected


def test_markdown_title_is_the_first_heading_with_its_span() -> None:
    doc = read("x.md", b"Intro line.\n\n## Executive Order 19001\n\n# Later")
    assert (doc.title, doc.instrument, doc.kind) == ("Executive Order 19001", "EO 19001", "executive_order")
    assert doc.text[doc.fields["title"].start : doc.fields["title"].end] == "Executive Order 19001"


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>a\n  b</p><p>c</p>", "a b\n\nc"),
        ("<ul><li>x</li><li>y<ul><li>z</li></ul></li></ul><p>after</p>", "x\ny\nz\n\nafter"),
        ("<pre>  keep\n    this</pre>", "  keep\n    this"),
        ("<header>site</header><footer>foot</footer><p>body</p>", "body"),
        ("<div>one<div>two</div>three</div>", "one\n\ntwo\n\nthree"),
        ("<p>x<noscript>n</noscript><button>b</button><img alt=i>y</p>", "xy"),
        ("<form><p>field</p></form><p>kept</p>", "kept"),
        ("<table><tr><td>a<b>b</b></td><td>c<br>d</td></tr><tr><td>e</td></tr></table>", "ab | c\nd\ne"),
        ("<ol><li><p>first</p><p>more</p></li><li>second</li></ol>", "1. first\nmore\n2. second"),
        ("<table><tr><td><pre>a\n b</pre></td><td>c</td></tr></table>", "a\n b\n\nc"),
        ("<p>shown</p><p hidden>secret</p><div hidden><p>also</p></div>", "shown"),
        ("<ol><li><img src=x></li><li>two</li></ol>", "2. two"),
        (
            "<table><tr><td><p>Layout one.</p><p>Two.</p></td><td>Side</td></tr></table>",
            "Layout one.\n\nTwo.\n\nSide",
        ),
        (
            "<table><tr><td>a<table><tr><td>in</td><td>ner</td></tr></table></td><td>b</td></tr></table>",
            "a\n\nin | ner\n\nb",
        ),
    ],
)
def test_html_rendering(markup: str, expected: str) -> None:
    assert read("x.html", f"<html><body>{markup}</body></html>".encode()).text == expected


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ("<title>Site | Page</title>", "Site | Page"),
        ("<title>Site | Page</title><meta property='og:title' content='Clean'>", "Clean"),
    ],
)
def test_html_title(head: str, title: str) -> None:
    assert read("x.html", f"<html><head>{head}</head><body><p>t</p></body></html>".encode()).title == title


def test_html_title_falls_back_to_h1_and_date_to_time_element() -> None:
    page = b"<html><body><h1>Heading</h1><p>Posted <time datetime='2026-02-03'>Feb 3</time></p></body></html>"
    doc = read("x.htm", page)
    assert (doc.title, doc.published, doc.text) == ("Heading", D(2026, 2, 3), "Heading\n\nPosted Feb 3")


def test_html_declared_charset() -> None:
    page = '<html><head><meta charset="iso-8859-15"></head><body><p>5 \u20ac</p></body></html>'
    assert read("x.html", page.encode("iso-8859-15")).text == "5 \u20ac"


def test_pdf_pages_are_joined_by_blank_lines() -> None:
    doc = read("x.pdf", make_pdf("Page one (a) text.", "Page two within 30 days."))
    assert doc.text == "Page one (a) text.\n\nPage two within 30 days."
    assert doc.meta["pages"] == (0, 20)


def test_pdf_encrypted_with_an_empty_user_password_opens() -> None:
    doc = read("x.pdf", encrypt_pdf(make_pdf("Open text."), user_password=""))
    assert doc.text == "Open text."


# --- format selection --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b'  {"title": "x"}', "json"),
        (b'{"document_number": "2026-1", "type": "Rule"}', "fr_json"),
        (b"[1]", "json"),
        (b"<!DOCTYPE html><html></html>", "html"),
        (b"<p>Hello</p>", "html"),
        (b"# Heading\n\ntext", "markdown"),
        (b"See [x](https://x.example)", "markdown"),
        (b"Sec. 1. Plain text <with brackets>.", "text"),
        (b"\x00\x01\x02", "text"),
        (b"", "text"),
    ],
)
def test_sniff(data: bytes, expected: str) -> None:
    assert sniff(data) == expected


@pytest.mark.parametrize(
    ("source", "fmt", "expected"),
    [
        ("a/b.TXT", None, "text"),
        ("a/b.markdown", None, "markdown"),
        ("https://example.org/d/2026-1.json?x=1#y", None, "json"),
        ("https://example.org/news/slug", None, "html"),
        ("a.v2/README", None, "html"),
        ("a.txt", "md", "markdown"),
        ("a.txt", ".PDF", "pdf"),
    ],
)
def test_format_for(source: str, fmt: str | None, expected: str) -> None:
    assert format_for(source, b"<html><p>x</p></html>", fmt) == expected


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown format 'docx'"):
        read("a.txt", b"x", fmt="docx")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Executive Order 14017 of February 24, 2021: America's Supply Chains", "EO 14017"),
        ("Executive Order No. 14017", "EO 14017"),
        ("E.O. 14017 amended", "EO 14017"),
        ("Proclamation 10522 of March 1, 2023", "Proc. 10522"),
        ("Proclamation No. 10522", "Proc. 10522"),
        ("Public Law 119-21", "Pub. L. 119-21"),
        ("Pub. L. 117\u2013167 (CHIPS)", "Pub. L. 117-167"),
        ("Presidential Memorandum of January 27, 2021: Scientific Integrity", "PM 2021-01-27"),
        ("National Security Memorandum 22", "NSM-22"),
        ("Final Rule (81 FR 22185; FR Doc. 2016-08720): Sanctions", "FR Doc. 2016-08720"),
        ("Order amending Proclamation 10522 and Executive Order 14017", "Proc. 10522"),
        ("Presidential Memorandum", None),
        ("President Signs Order on Harbors", None),
        ("Executive Order to Protect People", None),
        ("", None),
        (None, None),
    ],
)
def test_instrument_from_title(title: str | None, expected: str | None) -> None:
    assert instrument_from_title(title) == expected


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Executive Order 14017 of February 24, 2021", "executive_order"),
        ("Memorandum on Harbors", "memorandum"),
        ("Proclamation 10522", "proclamation"),
        ("Public Law 119-21", "statute"),
        ("Notice of May 10, 2023: Continuation", "notice"),
        ("President Signs Executive Order 14411", "unknown"),
        (None, "unknown"),
    ],
)
def test_kind_from_title(title: str | None, kind: str) -> None:
    assert kind_from_title(title) == kind


# --- bad inputs --------------------------------------------------------------------------

FR_OK = {"document_number": "2026-1", "type": "Rule", "title": "T", "publication_date": "2026-01-02"}
BAD = [
    ("empty.txt", b"", None, "empty.txt: is empty"),
    ("blank.txt", b" \r\n\t\n", None, "blank.txt: has no text"),
    ("nul.txt", b"text\x00with a NUL", None, "nul.txt: is binary data, not a text document"),
    ("junk", bytes(range(256)) * 4, None, "junk: is not valid UTF-8"),
    ("ctrl.txt", b"\x01\x02\x03\x04 abc", None, "ctrl.txt: is binary data"),
    ("undef.txt", b"caf\xe9 \x81\x8d", None, "undef.txt: is not readable text (neither UTF-8 nor cp1252"),
    ("odd.txt", b"\xff\xfeA", None, "odd.txt: is not valid UTF-16-LE text"),
    ("cut.json", b'{"title": "x", "body": "abc', None, "cut.json: JSON is truncated"),
    ("cut2.json", b'{"title": "x", ', None, "cut2.json: JSON is truncated"),
    ("syntax.json", b'{"title": }', None,
     "syntax.json: JSON is invalid: Expecting value at line 1, column 11"),
    ("list.json", b"[1, 2]", None, "list.json: JSON is a list of 2 items, not an object"),
    ("str.json", b'"hello"', None, "str.json: JSON is a string, not an object"),
    ("deep.json", b"[" * 150 + b"]" * 150, None, "deep.json: JSON is nested more than 100 levels deep"),
    ("deeper.json", b'{"a":' * 5000 + b"1" + b"}" * 5000, None, "deeper.json: JSON is nested more than 100"),
    ("bigint.json", b'{"n": ' + b"9" * 5000 + b"}", None, "bigint.json: JSON cannot be read"),
    ("title.json", b'{"title": "Only a title"}', None, "title.json: JSON object has no article text"),
    ("latin1.json", b'{"title": "caf\xe9", "body": "x"}', None, "latin1.json: is not valid UTF-8"),
    ("type.json", b'{"title": 5, "body": "x"}', None, "type.json: field 'title' is a number, not text"),
    ("bodytype.json", b'{"body": ["x"]}', None, "bodytype.json: field 'body' is a list of 1 items, not text"),
    ("results.json", b'{"results": []}', None, "results.json: JSON holds a list of 0 results"),
    ("frdate.json", json.dumps({**FR_OK, "signing_date": "03/02/2026"}).encode(), None,
     "frdate.json: field 'signing_date' is not a date: '03/02/2026'"),
    ("freo.json", json.dumps({**FR_OK, "executive_order_number": "abc"}).encode(), None,
     "freo.json: field 'executive_order_number' is not a number"),
    ("frempty.json", b'{"document_number": "1", "type": "Rule"}', None,
     "frempty.json: Federal Register document has no title"),
    ("doc.txt", b"ok", b"{bad", "doc.meta.json: sidecar JSON is invalid"),
    ("doc.txt", b"ok", b"", "doc.meta.json: sidecar is empty"),
    ("doc.txt", b"ok", b"[]", "doc.meta.json: sidecar JSON is a list of 0 items, not an object"),
    ("doc.txt", b"ok", b'{"issued": "2026-02-30"}',
     "doc.meta.json: field 'issued' is not a date: '2026-02-30'"),
    ("doc.txt", b"ok", b'{"kind": "decree"}', "doc.meta.json: kind 'decree' is not one of"),
    ("doc.txt", b"ok", b'{"title": ["a"]}', "doc.meta.json: field 'title' is a list of 1 items, not text"),
    ("doc.txt", b"ok", b'{"title": "line\\nbreak", "issued": "x\\ny"}', "doc.meta.json: field 'issued'"),
    ("front.md", b"---\nissued: soon\n---\nText", None, "front.md: field 'issued' is not a date: 'soon'"),
    ("front.md", b"---\nkind: decree\n---\nText", None, "front.md: kind 'decree' is not one of"),
    ("script.html", b"<html><body><script>x()</script></body></html>", None, "script.html: has no text"),
    ("bad.pdf", b"%PDF-1.4\nnot really a pdf", None, "bad.pdf: is not a readable PDF"),
    ("locked.pdf", encrypt_pdf(make_pdf("Secret."), "pw"), None,
     "locked.pdf: is an encrypted PDF that cannot be opened without a password"),
    ("scan.pdf", blank_pdf(), None, "scan.pdf: has no extractable text"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("source", "data", "sidecar", "message"), BAD, ids=[f"{i}-{r[0]}" for i, r in enumerate(BAD)]
)
def test_bad_inputs(source: str, data: bytes, sidecar: bytes | None, message: str) -> None:
    with pytest.raises(BadInput) as raised:
        read(source, data, sidecar=sidecar)
    text = str(raised.value)
    assert text.startswith(message)
    assert "\n" not in text and "\r" not in text
    assert raised.value.exit_code == 4


# --- properties --------------------------------------------------------------------------

SOURCES = st.sampled_from(["x.txt", "x.json", "x.md", "x.html", "x.pdf", "x"])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(
        ["title", "summary", "body", "body_md", "body_html", "content", "date", "url", "document_number",
         "type", "subtype", "signing_date", "executive_order_number", "dates", "abstract", "results", "kind"]
    ), inner, max_size=6),
    max_leaves=20,
)  # fmt: skip


def read_or_reject(source: str, data: bytes, sidecar: bytes | None = None) -> None:
    try:
        doc = read(source, data, sidecar=sidecar)
    except BadInput as exc:
        assert "\n" not in str(exc) and str(exc).startswith(f"{source.rsplit('.', 1)[0]}")
    else:
        assert isinstance(doc, Document) and doc.text.strip()
        for span in doc.fields.values():
            assert span.end <= len(doc.text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=600), source=SOURCES)
def test_arbitrary_bytes_give_a_document_or_bad_input(data: bytes, source: str) -> None:
    read_or_reject(source, data)


@settings(max_examples=200, deadline=None)
@given(value=JSON_VALUES, sidecar=st.none() | JSON_VALUES.map(lambda v: json.dumps(v).encode()))
def test_arbitrary_json_gives_a_document_or_bad_input(value: object, sidecar: bytes | None) -> None:
    read_or_reject("x.json", json.dumps(value).encode(), sidecar)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=300), source=SOURCES)
def test_arbitrary_text_gives_a_document_or_bad_input(text: str, source: str) -> None:
    read_or_reject(source, text.encode("utf-8"))
