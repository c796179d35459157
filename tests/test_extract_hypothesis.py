"""Property: any text, including text stitched from legal fragments, extracts without raising, and every
row's span is valid with `quote == text[start:end]`, confidence in [0, 1], rows ordered by start."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.extract import extract, parse_phrase
from tracker.model import Document

FRAGMENTS = [
    "Within 90 days of the date of this order,",
    "the Secretary of Commerce",
    "shall",
    "should",
    "will",
    "submit a report",
    "not later than 180 days after the date of enactment of this Act",
    "(a)",
    "(i)",
    "(A)",
    ":",
    "—",
    ";",
    "and",
    "\n\n",
    ".",
    "“",
    "”",
    "by May 1, 2024",
    "on or before the 30th day after",
    "one hundred eighty (180) days",
    "annually thereafter for 5 years",
    "every 90 days thereafter",
    "for each of fiscal years 2026, 2027, and 2028",
    "Executive Order 13953 of September 30, 2020",
    "is today issuing an Executive Order",
    "signed last Thursday",
    "Today",
    "Sec. 3.",
    "U.S.C.",
    "et seq.",
    "during the 10-day period beginning on",
    "the hearing date",
    "prior to",
    "a requirement for",
    "is directed to",
    "the following:",
    "THE WHITE HOUSE,",
    "February 30, 2021",
    "13/45/2020",
    "fiscal year 0000",
    "ninety (60) days",
    "by the end of calendar year 9999",
    "within 9999 years",
    "Upon completion of",
    "by January 0000",
    "for each of fiscal years 0000, 0001",
    "the enactment of HIFPA",
    "signed December 18, 2015",
]

legal = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map(" ".join)
kinds = st.sampled_from(["executive_order", "memorandum", "statute", "rule", "notice", "article", "unknown"])
dates = st.one_of(st.none(), st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))


def _check(text: str, kind: str, issued: dt.date | None, published: dt.date | None) -> None:
    doc = Document(text=text, source="h.txt", kind=kind, issued=issued, published=published, enacted=issued)
    obs = extract(doc)
    starts = [o.span.start for o in obs]
    assert starts == sorted(starts)
    for ob in obs:
        assert 0 <= ob.span.start < ob.span.end <= len(text)
        assert text[ob.span.start : ob.span.end] == ob.quote
        assert 0.0 <= ob.confidence <= 1.0


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=400), legal), kinds, dates, dates)
def test_extract_never_raises_and_spans_are_valid(text: str, kind: str, issued, published) -> None:  # type: ignore[no-untyped-def]
    _check(text, kind, issued, published)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=120), legal))
def test_parse_phrase_never_raises(phrase: str) -> None:
    parse_phrase(phrase)
