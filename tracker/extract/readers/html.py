"""HTML to the text a reader sees (selectolax/lexbor), and the HTML document reader.
Layer 2: pure, no I/O.

Rendering rules: page furniture (script, style, nav, aside, noscript, form, ...) is dropped, and so
are header and footer unless they sit inside <article> or <main> (there they hold the article's
own heading and dates). Block elements are separated by a blank line, the items of one list and
the rows of one table by a single newline; whitespace inside a block collapses to single spaces,
no-break spaces included; <br> is a newline; <pre> is kept verbatim; ordered-list items get
their number ("2. "), as a browser shows them. A data table gives one line per row, cells joined by
" | "; a layout table (cells holding paragraphs, lists or tables) gives each cell as blocks.

Markup nested more than `MAX_DEPTH` elements deep is refused before it is parsed: the parser checks
the open elements at every block start, so time grows with depth × elements (a megabyte of "<div>"
takes minutes). Browsers cap the depth too (Blink at 512); no real page comes near either limit.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tracker.errors import BadInput
from tracker.model import Document

from ._common import Blocks, collapse, decode, fail, parse_date, squeeze
from .instruments import instrument_from_title, kind_from_title

MAX_DEPTH = 1000

_DROP = frozenset(
    {
        "script", "style", "nav", "aside", "noscript", "form", "template", "svg", "iframe", "head",
        "button", "select", "textarea", "canvas", "object", "embed", "img", "picture", "video",
        "audio", "map", "title", "meta", "link",
    }
)  # fmt: skip
_PAGE_FURNITURE = frozenset({"header", "footer"})
_CONTENT_ROOTS = frozenset({"article", "main"})
_BLOCK = frozenset(
    {
        "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
        "ol", "dl", "dt", "dd", "blockquote", "table", "thead", "tbody", "tfoot", "caption",
        "figure", "figcaption", "address", "hr", "center", "details", "summary", "fieldset",
        "legend", "header", "footer", "body", "html", "menu",
    }
)  # fmt: skip
_LISTS = frozenset({"ul", "ol", "dl", "menu"})
_CELLS = frozenset({"td", "th"})
_TABLE_PARTS = frozenset({"tr", "td", "th", "thead", "tbody", "tfoot"})
# A table whose cells hold paragraphs, lists or tables lays out a page; its cells are blocks.
_LAYOUT_BLOCKS = frozenset(
    {"p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table"}
)
# Elements that never deepen the tree: void ones, and those a following sibling closes (p, li, td...).
_FLAT = frozenset(
    {
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
        "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
        "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot",
        "colgroup", "caption", "rb", "rt", "rp", "rtc", "html", "head", "body",
    }
)  # fmt: skip
# One pass over the tags. Comments and raw-text elements are skipped whole (an unclosed one runs to the
# end, as in a browser); a tag stops at the next "<", so no match scans past a candidate's own text.
_TAGS = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext)\b.*?(?:</\1\s*>|\Z)"
    r"|<(/?)([A-Za-z][^\s/<>]*)[^<>]*?(/?)>",
    re.DOTALL | re.IGNORECASE,
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_PUBLISHED_META = (
    'meta[property="article:published_time"]',
    'meta[name="article:published_time"]',
    'meta[itemprop="datePublished"]',
    'meta[name="date"]',
    'meta[name="DC.date.issued"]',
    'meta[name="dcterms.date"]',
)


class _Renderer:
    """Walks the tree without recursion, so hostile nesting cannot exhaust the stack."""

    def __init__(self) -> None:
        self.blocks = Blocks()
        self.buffer: list[str] = []
        self.list_group: object = None
        self.list_depth = 0
        self.content_depth = 0
        self.cells: list[str] | None = None
        self.cell_depth = 0
        self.table_group: object = None
        self.tables: list[str] = []  # per open table: "data" or "layout"
        self.layout_tables: set[int] = set()
        self.ordinals: list[int | None] = []  # next number of each open list; None: bullets
        self.prefix = ""  # an ordered-list item's number, waiting for the item's first text

    def flush(self) -> None:
        text = collapse("".join(self.buffer))
        self.buffer.clear()
        if self.cell_depth:
            self.buffer.append(" ")
        if text:
            self.blocks.add(self.prefix + text, self._group())
            self.prefix = ""

    def render(self, root: LexborNode) -> str:
        self.layout_tables = _layout_tables(root)
        stack: list[tuple[LexborNode, bool]] = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                self.leave(node)
                continue
            tag = node.tag or ""
            if tag == "-text":
                self.buffer.append(squeeze(node.text_content or ""))
                continue
            if tag.startswith("-") or tag in _DROP or "hidden" in node.attributes:
                continue
            if tag in _PAGE_FURNITURE and not self.content_depth:
                continue
            if tag == "pre":
                self.flush()
                self.blocks.add(node.text(deep=True) or "", self._group(), verbatim=True)
                continue
            if tag == "br":
                self.buffer.append("\n")
                continue
            self.enter(node, tag)
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(list(node.iter(include_text=True))))
        self.flush()
        return self.blocks.text

    def _group(self) -> object:
        return self.list_group if self.list_depth else None

    def _table_mode(self, tag: str) -> str:
        """How to treat a table part: as part of a data table, or as a block ("layout")."""
        if tag not in _TABLE_PARTS:
            return ""
        return self.tables[-1] if self.tables else "layout"

    def enter(self, node: LexborNode, tag: str) -> None:
        if tag in _CONTENT_ROOTS:
            self.content_depth += 1
        mode = self._table_mode(tag)
        if tag == "table":
            self.flush()
            self.tables.append("layout" if node.mem_id in self.layout_tables else "data")
            self.table_group = object()
        elif mode == "layout":
            self.flush()
        elif tag == "tr":
            self.flush()
            self.cells = []
        elif tag in _CELLS:
            self.cell_depth += 1
            self.buffer.clear()
        elif tag in _BLOCK:
            if self.cell_depth:
                self.buffer.append(" ")
                return
            self.flush()
            if tag in _LISTS:
                if self.list_depth == 0:
                    self.list_group = object()
                self.list_depth += 1
                self.ordinals.append(_start(node) if tag == "ol" else None)
            elif tag == "li" and self.ordinals and (number := self.ordinals[-1]) is not None:
                self.prefix = f"{number}. "
                self.ordinals[-1] = number + 1

    def leave(self, node: LexborNode) -> None:
        tag = node.tag or ""
        if tag in _CONTENT_ROOTS:
            self.content_depth -= 1
        mode = self._table_mode(tag)
        if tag == "table":
            self.tables.pop()
            self.flush()
        elif mode == "layout":
            self.flush()
        elif tag in _CELLS:
            self.cell_depth -= 1
            if self.cells is not None:
                self.cells.append(collapse("".join(self.buffer)))
            self.buffer.clear()
        elif tag == "tr":
            if self.cells is not None:
                self.blocks.add(" | ".join(cell for cell in self.cells if cell), self.table_group)
            self.cells = None
        elif tag in _BLOCK:
            if self.cell_depth:
                self.buffer.append(" ")
                return
            self.flush()
            if tag in _LISTS:
                self.list_depth -= 1
                self.ordinals.pop()
            elif tag == "li":
                self.prefix = ""


def _layout_tables(root: LexborNode) -> set[int]:
    """The tables (by `mem_id`) that hold a block element: one pass, whatever the nesting."""
    layout: set[int] = set()
    open_tables: list[int] = []
    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag or ""
        if leaving:
            open_tables.pop()
            continue
        if tag in _LAYOUT_BLOCKS and open_tables:
            layout.add(open_tables[-1])
        if tag == "table":
            open_tables.append(node.mem_id)
            stack.append((node, True))
        stack.extend((child, False) for child in node.iter())
    return layout


def _start(node: LexborNode) -> int:
    try:
        return int(node.attributes.get("start") or 1)
    except ValueError:
        return 1


def nesting_depth(markup: str, limit: int = MAX_DEPTH) -> int:
    """How deep the elements nest, estimated in one pass as a browser builds the tree: an end tag
    closes every element opened after its own (an end tag with nothing to close is ignored);
    `_FLAT` elements do not deepen, nor do self-closed ones inside SVG or MathML (elsewhere a browser
    ignores the slash: "<div/>" opens a div). Counting stops just past `limit`."""
    stack: list[str] = []
    opened: dict[str, int] = {}
    deepest = 0
    for match in _TAGS.finditer(markup):
        name = match.group(3)
        if name is None or (name := name.lower()) in _FLAT:
            continue
        if match.group(2):
            if opened.get(name):
                while (top := stack.pop()) != name:
                    opened[top] -= 1
                opened[name] -= 1
        elif not (match.group(4) and (name in ("svg", "math") or opened.get("svg") or opened.get("math"))):
            stack.append(name)
            opened[name] = opened.get(name, 0) + 1
            if len(stack) > deepest:
                deepest = len(stack)
                if deepest > limit:
                    break
    return deepest


def _check_depth(markup: str) -> None:
    """Raise `BadInput` (placed by `readers.read`) for markup nested deeper than `MAX_DEPTH`."""
    if nesting_depth(markup) > MAX_DEPTH:
        raise BadInput(f"HTML is nested more than {MAX_DEPTH} elements deep")


def fragment_text(markup: str) -> str:
    """Text of an HTML fragment (an article body, a Markdown HTML block)."""
    _check_depth(markup)
    tree = LexborHTMLParser(markup)
    return _Renderer().render(tree.body) if tree.body is not None else ""


def decode_html(data: bytes, where: str) -> str:
    """UTF-8 (or a BOM), else the charset the page declares, else cp1252."""
    try:
        return decode(data, where, fallback=None)
    except BadInput:
        declared = _CHARSET.search(data[:4096])
        if declared:
            try:
                codec = codecs.lookup(declared.group(1).decode("ascii")).name
            except LookupError:
                codec = None
            if codec and codec != "utf-8":
                return decode(data, where, fallback=codec)
        return decode(data, where)


def _meta_content(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> str | None:
    for selector in selectors:
        node = tree.css_first(selector)
        value = node.attributes.get("content") if node is not None else None
        if value and value.strip():
            return value.strip()
    return None


def _title(tree: LexborHTMLParser) -> str | None:
    """og:title, then the first <h1>, then <title>: <title> often carries the site's name too."""
    title = _meta_content(tree, ('meta[property="og:title"]', 'meta[name="og:title"]'))
    if title is None:
        for selector in ("h1", "title"):
            node = tree.css_first(selector)
            text = collapse(squeeze(node.text(deep=True))) if node is not None else ""
            if text:
                title = text
                break
    return collapse(squeeze(title)) if title else None


def read_html(source: str, data: bytes) -> Document:
    markup = decode_html(data, source)
    if nesting_depth(markup) > MAX_DEPTH:
        raise fail(f"HTML is nested more than {MAX_DEPTH} elements deep", source)
    try:
        tree = LexborHTMLParser(markup)
    except Exception as exc:  # the parser's own errors on input it cannot take
        raise fail(f"is not readable HTML ({type(exc).__name__})", source) from None
    title = _title(tree)
    published_raw = _meta_content(tree, _PUBLISHED_META)
    if published_raw is None:
        time = tree.css_first("time[datetime]")
        published_raw = time.attributes.get("datetime") if time is not None else None
    url = None
    canonical = tree.css_first('link[rel="canonical"]')
    if canonical is not None:
        url = canonical.attributes.get("href")
    url = url or _meta_content(tree, ('meta[property="og:url"]',))
    root = tree.body if tree.body is not None else tree.root
    text = _Renderer().render(root) if root is not None else ""
    meta: dict[str, Any] = {}
    if published_raw:
        meta["published_raw"] = published_raw
    return Document(
        text=text,
        source=source,
        kind=kind_from_title(title),
        title=title,
        published=parse_date(published_raw),
        url=url or None,
        instrument=instrument_from_title(title),
        meta=meta,
    )
