"""Hostile input, end to end: each unreadable file is one line `tracker: <file>: <problem>` and exit 4
from `tracker ingest` and `tracker extract`; the rest of the batch is still read, what was stored
before is kept, and memory stays bounded (a file over the limit is refused by its size, unread).

Properties: damaged copies of good documents are read or refused, never crash; impossible dates in
good text never crash extraction; hostile markup takes linear time (no regular-expression or parser
blow-up). The hostile files are built here, in tmp_path, never committed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject

from tests.conftest import CLI
from tracker import sources
from tracker.errors import BadInput
from tracker.extract import extract
from tracker.extract.readers import read
from tracker.extract.readers.html import nesting_depth
from tracker.model import Document

MiB = 1024 * 1024

# --- building hostile files -------------------------------------------------------------------


def _pdf(
    content: bytes, resources: dict[str, DictionaryObject] | None = None, password: str | None = None
) -> bytes:
    """A one-page PDF drawing `content` (a content stream), optionally encrypted, built with pypdf."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject(k): writer._add_object(v) for k, v in (resources or {}).items()}
    )
    stream = DecodedStreamObject()
    stream.set_data(content)
    page[NameObject("/Contents")] = writer._add_object(stream)
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def text_pdf(line: str, password: str | None = None) -> bytes:
    font = DictionaryObject(
        {
            NameObject("/F1"): DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Font"),
                    NameObject("/Subtype"): NameObject("/Type1"),
                    NameObject("/BaseFont"): NameObject("/Helvetica"),
                }
            )
        }
    )
    escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return _pdf(f"BT /F1 11 Tf 40 700 Td ({escaped}) Tj ET".encode("latin-1"), {"/Font": font}, password)


def image_only_pdf() -> bytes:
    """A scan: one grey 64x64 image on the page, no text at all."""
    image = DecodedStreamObject()
    image.set_data(bytes([128]) * 64 * 64)
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(64),
            NameObject("/Height"): NumberObject(64),
            NameObject("/ColorSpace"): NameObject("/DeviceGray"),
            NameObject("/BitsPerComponent"): NumberObject(8),
        }
    )
    xobjects = DictionaryObject({NameObject("/Im0"): image})
    return _pdf(b"q 500 0 0 500 50 150 cm /Im0 Do Q", {"/XObject": xobjects})


DUTY = "The Secretary of Transportation shall submit a port plan within 60 days of the date of this order."
ORDER_META = {"kind": "executive_order", "issued": "2026-03-02", "title": "Executive Order 97001"}


@dataclass(frozen=True)
class Hostile:
    name: str
    data: bytes
    problem: str  # what the error line says after "tracker: <file>: " (a prefix)
    sidecar: bytes | None = None
    names: str | None = None  # the file the line names, when not the document (a bad sidecar)


def hostile_files() -> list[Hostile]:
    junk = random.Random(20261125).randbytes(4096)
    return [
        Hostile("empty.txt", b"", "is empty"),
        Hostile("blank.md", b"  \n\t\n   \n", "has no text"),
        Hostile("junk.txt", junk, "is not valid UTF-8 (bad byte at offset"),
        Hostile("junk.html", junk, "is not valid UTF-8 (bad byte at offset"),
        Hostile("controls.txt", b"Order \x01\x02\x03\x04" * 300, "is binary data, not a text document"),
        Hostile(
            "undecodable.txt", DUTY.encode() + b" \x81\x8d\x8f\x90", "is not readable text (neither UTF-8"
        ),
        Hostile("broken-bom.txt", b"\xff\xfeT\x00h\x00e", "is not valid UTF-16-LE text"),
        Hostile(
            "latin1.json", b'{"title": "caf\xe9", "body": "x"}', "is not valid UTF-8 (bad byte at offset"
        ),
        Hostile("truncated.json", b'{"title": "Order", "body": "' + DUTY.encode()[:40], "JSON is truncated"),
        Hostile("unterminated.json", b'{"body": "' + b'\\"' * 200_000, "JSON is truncated"),
        Hostile("nested.json", b"[" * 100_000 + b"]" * 100_000, "JSON is nested more than 100 levels deep"),
        Hostile(
            "nested-object.json",
            b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,
            "JSON is nested more than 100 levels deep",
        ),
        Hostile("bigint.json", b'{"n": ' + b"9" * 5000 + b"}", "JSON cannot be read"),
        Hostile(
            "nested.html", b"<div>" * 100_000 + DUTY.encode(), "HTML is nested more than 1000 elements deep"
        ),
        Hostile(
            "nested-body.json",
            json.dumps({"title": "Report", "body_html": "<div>" * 5000 + DUTY}).encode(),
            "HTML is nested more than 1000 elements deep",
        ),
        Hostile(
            "only-scripts.html",
            f"<html><head><script>{DUTY}</script><style>p {{}}</style></head>"
            f"<body><script>document.write('{DUTY}')</script><noscript></noscript></body></html>".encode(),
            "has no text",
        ),
        Hostile(
            "encrypted.pdf", text_pdf(DUTY, password="s3cret"), "is an encrypted PDF that cannot be opened"
        ),
        Hostile("image-only.pdf", image_only_pdf(), "has no extractable text (a scanned or image-only PDF?)"),
        Hostile("truncated.pdf", text_pdf(DUTY)[:300], "is not a readable PDF"),
        Hostile("not-a.pdf", b"%PDF-1.7\n" + junk, "is not a readable PDF"),
        Hostile(
            "bad-sidecar.txt",
            DUTY.encode(),
            "field 'issued' is not a date: 'February 30, 2026'",
            sidecar=json.dumps({**ORDER_META, "issued": "February 30, 2026"}).encode(),
            names="bad-sidecar.meta.json",
        ),
    ]


GOOD_HTML = """<!doctype html><html><head><title>Executive Order 97002</title>
<script>var note = "The Secretary of Energy shall report within 5 days of the date of this order.";</script>
</head><body><main><h1>Executive Order 97002</h1>
<p>Sec. 2. The Secretary of Labor shall publish apprenticeship guidance within 90 days of the date of this
order.</p><script>document.title = "[bold]The Secretary of Energy shall report within 5 days[/]";</script>
<style>.x { content: "The Secretary of Energy shall report within 5 days of the date of this order." }</style
>
</main></body></html>"""


def write_batch(folder: Path) -> tuple[list[Hostile], dict[str, Path]]:
    """The hostile files and two good ones (a text order with its sidecar, an HTML page with scripts)."""
    folder.mkdir(parents=True, exist_ok=True)
    bad = hostile_files()
    for h in bad:
        (folder / h.name).write_bytes(h.data)
        if h.sidecar is not None:
            (folder / sources.sidecar_for(Path(h.name)).name).write_bytes(h.sidecar)
    good = {"order": folder / "good-order.txt", "page": folder / "good-page.html"}
    good["order"].write_text(f"Executive Order 97001 of March 2, 2026\n\nSec. 2. {DUTY}\n", encoding="utf-8")
    (folder / "good-order.meta.json").write_text(json.dumps(ORDER_META), encoding="utf-8")
    good["page"].write_text(GOOD_HTML, encoding="utf-8")
    return bad, good


def assert_one_line_per_bad_file(err: str, folder: Path, bad: list[Hostile]) -> None:
    lines = [line for line in err.splitlines() if line]  # the progress bar leaves a blank line (below)
    assert "Traceback" not in err
    assert all(line.startswith("tracker: ") for line in lines), err
    assert len(lines) == len(bad), err
    for h in bad:
        named = str(folder / (h.names or h.name))
        mine = [line for line in lines if line.startswith(f"tracker: {named}: ")]
        assert len(mine) == 1, (h.name, err)
        assert mine[0].startswith(f"tracker: {named}: {h.problem}"), mine[0]


def listed(cli: CLI) -> dict[str, dict[str, object]]:
    result = cli("list", "--json")
    assert result.code == 0, result.err
    return {row["id"]: row for row in map(json.loads, result.out.splitlines())}


# --- the CLI on a hostile batch ---------------------------------------------------------------


def test_ingest_names_each_bad_file_once_keeps_the_rest_and_loses_nothing(
    cli: CLI, tmp_path: Path, seed: Path
) -> None:
    assert cli("ingest", str(seed)).code == 0
    before = listed(cli)
    assert len(before) == 1
    folder = tmp_path / "batch"
    bad, _good = write_batch(folder)

    result = cli("ingest", str(folder))
    assert result.code == 4, result.err
    assert_one_line_per_bad_file(result.err, folder, bad)
    assert result.out.startswith(f"{len(bad) + 2} file(s): 2 new, 0 unchanged, {len(bad)} failed;"), (
        result.out
    )

    after = listed(cli)
    assert before.items() <= after.items()  # the seed's duty is kept, unchanged
    found = {(row["actor"], row["due_date"]) for row in after.values()}
    assert ("Secretary of Transportation", "2026-05-01") in found
    assert any(actor == "Secretary of Labor" for actor, _ in found)
    assert not any(row["actor"] == "Secretary of Energy" for row in after.values())  # script text

    again = cli("ingest", str(folder))  # the same batch again: the same errors, nothing doubled
    assert again.code == 4
    assert_one_line_per_bad_file(again.err, folder, bad)
    assert listed(cli) == after


def test_extract_names_each_bad_file_once_and_prints_the_good_ones(sqlite_cli: CLI, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    bad, good = write_batch(folder)
    result = sqlite_cli("extract", "--json", str(folder))
    assert result.code == 4, result.err
    assert_one_line_per_bad_file(result.err, folder, bad)
    rows = [json.loads(line) for line in result.out.splitlines()]
    assert {row["document"] for row in rows} == {str(good["order"]), str(good["page"])}
    for row in rows:
        assert "Energy" not in row["quote"] and "[bold]" not in row["quote"]


def test_ingest_of_several_good_files_writes_nothing_to_stderr(sqlite_cli: CLI, tmp_path: Path) -> None:
    _bad, good = write_batch(tmp_path / "batch")
    result = sqlite_cli("ingest", str(good["order"]), str(good["page"]))
    assert result.code == 0
    assert result.err == ""


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["missing.txt"], "no such file"),
        (["a-folder.txt"], "is a folder with no documents"),
    ],
)
def test_files_that_cannot_be_opened(sqlite_cli: CLI, args: list[str], problem: str) -> None:
    (sqlite_cli.home / "a-folder.txt").mkdir()
    for command in ("extract", "ingest"):
        result = sqlite_cli(command, *args)
        assert result.code == 4
        assert result.err.strip() == f"tracker: {args[0]}: {problem}"  # blank line: see above


# --- memory: files over the limit are never read into memory ----------------------------------


def run_measured(cli: CLI, *args: str) -> tuple[int, str, int]:
    """Run the CLI; return its exit code, stderr and peak resident memory in bytes (wait4's rusage
    is that one child's own, unlike RUSAGE_CHILDREN, which keeps the largest child ever waited for)."""
    err_path = cli.home / "stderr.txt"
    with open(err_path, "wb") as err_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tracker", *args],
            env=cli.env,
            cwd=cli.home,
            stdout=subprocess.DEVNULL,
            stderr=err_file,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, err_path.read_text(), usage.ru_maxrss * 1024  # Linux: kilobytes


def write_text_file(path: Path, size: int) -> None:
    line = (DUTY + "\n").encode()
    chunk = line * (MiB // len(line))
    with open(path, "wb") as f:
        written = 0
        while written < size:
            f.write(chunk)
            written += len(chunk)


@pytest.mark.slow
def test_a_200_mb_file_is_refused_by_its_size_without_being_read(sqlite_cli: CLI, tmp_path: Path) -> None:
    """The bound: a small ingest's own peak plus 32 MiB of slack. Reading the file at all would add
    at least its 200 MB (bytes) and as much again for the decoded text."""
    small = tmp_path / "small.txt"
    small.write_text(DUTY + "\n")
    code, err, baseline = run_measured(sqlite_cli, "ingest", str(small))
    assert code == 0, err

    huge = tmp_path / "huge.txt"
    write_text_file(huge, 200 * MiB)
    size = huge.stat().st_size
    limit = f"the limit is {sources.MAX_BYTES / 1e6:.0f} MB"
    for command in ("ingest", "extract"):
        code, err, peak = run_measured(sqlite_cli, command, str(huge), str(small))
        assert code == 4, err
        assert err.strip() == f"tracker: {huge}: file is {size / 1e6:.0f} MB; {limit}"  # blank: see above
        assert peak < baseline + 32 * MiB, (command, peak / MiB, baseline / MiB)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero (a file that states no size)")
def test_a_file_of_unknown_size_is_read_no_further_than_the_limit(sqlite_cli: CLI) -> None:
    """/dev/zero states size 0 and never ends: the loader stops one byte past MAX_BYTES."""
    code, err, baseline = run_measured(sqlite_cli, "extract", "--help")
    assert code == 0
    code, err, peak = run_measured(sqlite_cli, "extract", "/dev/zero")
    assert code == 4
    assert err == f"tracker: /dev/zero: is larger than the limit of {sources.MAX_BYTES / 1e6:.0f} MB\n"
    # The bytes read (the limit), the bytes joined, and the interpreter's own: never unbounded.
    assert peak < baseline + 2 * sources.MAX_BYTES + 32 * MiB, peak / MiB


def test_the_loader_refuses_by_size_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process and fast: every read of the file is recorded, and there is none."""
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(4 * sources.MAX_BYTES)  # sparse: costs nothing to make
    reads: list[int | None] = []

    class Spy(io.BufferedReader):
        def read(self, size: int | None = -1, /) -> bytes:
            reads.append(size)
            return super().read(size)

    with monkeypatch.context() as m:
        m.setattr(Path, "open", lambda self, mode="r", *_a, **_k: Spy(io.FileIO(self, mode.replace("b", ""))))
        with pytest.raises(BadInput) as raised:
            sources.load(str(big))
    assert (raised.value.where, raised.value.message) == (str(big), "file is 210 MB; the limit is 52 MB")
    assert reads == []


# --- impossible dates in otherwise valid text -------------------------------------------------

IMPOSSIBLE = textwrap.dedent(
    """\
    Executive Order 97003 of January 5, 2026

    Sec. 2. (a) The Secretary of State shall submit a report to the President by February 30, 2026.
    (b) The Secretary of Labor shall publish guidance within 99999999 days of the date of this order.
    (c) The Secretary of Energy shall issue a rule not later than December 32, 2026.
    (d) The Attorney General shall review the policy within 999999999999999999999999 days of the date of
    this order.
    (e) The Secretary of the Treasury shall report by April 31, 2026, and annually thereafter.
    (f) The Secretary of Defense shall report within 9999 years of the date of this order.
    (g) The Secretary of Commerce shall report by the 0th day of March 10000.
    (h) The Secretary of Education shall report within 30 days of the date of this order.
    """
)


def test_impossible_dates_do_not_stop_extraction(sqlite_cli: CLI) -> None:
    doc = sqlite_cli.home / "impossible.txt"
    doc.write_text(IMPOSSIBLE)
    (sqlite_cli.home / "impossible.meta.json").write_text(
        json.dumps({"kind": "executive_order", "issued": "2026-01-05", "title": "Executive Order 97003"})
    )
    result = sqlite_cli("extract", "--json", str(doc))
    assert result.code == 0 and result.err == "", result.err
    rows = [json.loads(line) for line in result.out.splitlines()]
    due = {row["actor"]: row["due_date"] for row in rows}
    assert due["Secretary of Education"] == "2026-02-04"
    for actor, date in due.items():  # an impossible date is never invented: undated or left out
        if actor != "Secretary of Education":
            assert date is None, (actor, date)
    ingested = sqlite_cli("ingest", str(doc))
    assert ingested.code == 0, ingested.err


def test_the_date_calculator_refuses_a_period_off_the_calendar(sqlite_cli: CLI) -> None:
    result = sqlite_cli("due", "within 9999 years", "--from", "2026-01-05")
    assert result.code == 4, result.err
    assert result.err.startswith("tracker: within 9999 years: ") and result.err.count("\n") == 1


MONTHS = st.sampled_from(["January", "February", "April", "June", "September", "November", "Smarch"])
DEADLINES = st.one_of(
    st.builds("within {} {} of the date of this order".format, st.integers(0, 10**30), st.sampled_from(
        ["days", "business days", "weeks", "months", "years", "calendar days"])),
    st.builds("by {} {}, {}".format, MONTHS, st.integers(0, 99), st.integers(0, 99999)),
    st.builds("not later than {} {}, {}".format, MONTHS, st.integers(0, 99), st.integers(0, 99999)),
    st.builds("by the end of fiscal year {}".format, st.integers(0, 10**12)),
    st.builds("every {} days thereafter".format, st.integers(0, 10**12)),
    st.builds("{}/{}/{}".format, st.integers(0, 99), st.integers(0, 99), st.integers(0, 99999)),
)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    deadlines=st.lists(DEADLINES, min_size=1, max_size=4),
    issued=st.none() | st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
)
def test_impossible_dates_never_crash_extraction(deadlines: list[str], issued: dt.date | None) -> None:
    text = " ".join(f"The Secretary of Commerce shall publish a report {d}." for d in deadlines)
    doc = Document(
        text=text, source="h.txt", kind="executive_order", issued=issued, title="Executive Order 1"
    )
    for ob in extract(doc):
        assert text[ob.span.start : ob.span.end] == ob.quote
        assert ob.due.date is None or isinstance(ob.due.date, dt.date)


# --- damaged copies of good documents ---------------------------------------------------------

GOOD_DOCS: dict[str, bytes] = {
    "order.txt": f"Executive Order 97001 of March 2, 2026\n\nSec. 2. {DUTY}\n".encode(),
    "order.md": f"---\ntitle: EO 97001\nissued: 2026-03-02\n---\n# Order\n\n**Sec. 2.** {DUTY}\n".encode(),
    "order.html": GOOD_HTML.encode(),
    "article.json": json.dumps(
        {"title": "Order signed", "published_at": "2026-03-03", "body_html": f"<p>{DUTY}</p>"}
    ).encode(),
    "fr.json": json.dumps(
        {"document_number": "2026-01234", "type": "Presidential Document", "subtype": "Executive Order",
         "executive_order_number": 97001, "title": "Port Safety", "signing_date": "2026-03-02",
         "publication_date": "2026-03-05", "body_html": f"<p>{DUTY}</p>"}
    ).encode(),
    "order.pdf": text_pdf(DUTY),
}  # fmt: skip


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(GOOD_DOCS)))
    data = bytearray(GOOD_DOCS[name])
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if how == "cut":
            del data[at:]
        elif how == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif how == "insert":
            data[at:at] = draw(
                st.sampled_from([b"\x00", b"\xff", b"<div>" * 2000, b"[" * 300, b'"', b"\x1b[2J"])
            )
        elif how == "delete":
            del data[at : at + draw(st.integers(1, 64))]
    return name, bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=damaged())
def test_damaged_documents_are_read_or_refused_never_crash(case: tuple[str, bytes]) -> None:
    name, data = case
    try:
        doc = read(name, data)
    except BadInput as exc:
        assert exc.where == name and "\n" not in exc.message and exc.message
        return
    for ob in extract(doc):
        assert doc.text[ob.span.start : ob.span.end] == ob.quote


@pytest.mark.parametrize(
    ("markup", "depth"),
    [
        ("<html><body><div><p>one<p>two</div></body></html>", 1),
        ("<div><font>unclosed</div>" * 3000, 2),  # sloppy pages: an end tag closes what it holds
        ("<ul><li>a<li>b<ul><li>c</ul></ul>", 2),
        ("<table><tr><td>a<td>b</table>", 1),
        ("<p>text</span></div></p>", 0),  # end tags with nothing to close
        ("<div/>" * 5, 5),  # the slash means nothing on an HTML element
        ("<svg>" + "<path d='M0 0'/>" * 5000 + "</svg>", 1),  # ...but closes one in SVG
        ("<script>" + "<div>" * 5000 + "</script><div>", 1),
        ("<!-- <div><div> -->" * 50 + "<div>", 1),
        ("<div>" * 5000, 1001),  # counting stops past the limit
    ],
)
def test_html_nesting_estimate(markup: str, depth: int) -> None:
    assert nesting_depth(markup) == depth


# --- hostile markup in linear time ------------------------------------------------------------

# Each input is about a megabyte: quadratic time on any of them is hours, linear time a fraction of a
# second. They run in a child process with a timeout, so a regression fails instead of hanging.
RUNNER = r"""
import json, time
from tracker.errors import BadInput
from tracker.extract.readers import read
from tracker.extract.readers.html import nesting_depth

CASES = {
    "json: a quote and escaped quotes": ("x.json", b'{"a": ' + b'"' + b'\\"' * 300_000),
    "json: unterminated strings": ("x.json", b'{"a":' + b'"a\\' * 300_000),
    "json: brackets in strings": ("x.json", b'{"a": "' + b"[{" * 500_000 + b'"}'),
    "sniffed: unclosed CRLF front matter": ("doc", b"---\r\n" + b"key: value\r\n" * 100_000),
    "sniffed: link-like runs": ("doc", b"x" + b"[a](b" * 250_000),
    "sniffed: brackets": ("doc", b"x" + b"[" * 1_000_000),
    "article: markdown hints": ("x.json", b'{"body": "x' + b"[a](b" * 250_000 + b'"}'),
    "title: EO and spaces": ("x.md", b"---\ntitle: EO" + b" " * 1_000_000 + b"x\n---\ntext"),
    "html: nested blocks": ("x.html", b"<div>" * 200_000 + b"text"),
    "html: nested lists": ("x.html", b"<ol><li>" * 100_000 + b"text"),
    "html: self-closing syntax on divs": ("x.html", b"<div/>" * 200_000 + b"text"),
    "html: spans, then blocks at the depth limit": ("x.html", b"<span>" * 900 + b"<div>a</div>" * 80_000),
    "html: unclosed comments and tags": ("x.html", b"<p>text" + b"<!--<a" * 200_000),
    "markdown: an HTML block": ("x.md", b"<div>\n" + b"<div>" * 200_000),
    "text: control characters": ("x.txt", b"\x01" * 5_000_000),
}
out = {}
for label, (source, data) in CASES.items():
    t0 = time.perf_counter()
    try:
        read(source, data)
    except BadInput:
        pass
    out[label] = (len(data), time.perf_counter() - t0)
print(json.dumps(out))
"""


def test_hostile_markup_is_read_in_linear_time() -> None:
    proc = subprocess.run([sys.executable, "-c", RUNNER], capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    times = json.loads(proc.stdout)
    assert len(times) == 15
    slow = {
        label: f"{size / 1e6:.1f} MB in {secs:.1f} s" for label, (size, secs) in times.items() if secs > 8
    }
    assert not slow, slow
