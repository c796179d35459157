"""Table tests of the time tokenizer and `parse_phrase` (the `tracker due PHRASE` calculator).

Each row: a phrase as a user or a text writes it → the period, written date or recurrence it means.
Negative rows are phrases that carry no deadline and must give None.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.dates import resolve
from tracker.extract import parse_phrase
from tracker.extract.numbers import parse_number, words_to_int
from tracker.extract.scan import tokenize
from tracker.model import Anchor, AnchorKind, DateRef, DateRefKind, Period, Unit

D, W, M, Y, B, H = Unit.DAYS, Unit.WEEKS, Unit.MONTHS, Unit.YEARS, Unit.BUSINESS_DAYS, Unit.HOURS


@pytest.mark.parametrize(
    ("phrase", "period"),
    [
        ("within 180 days", Period(180, D)),
        ("3 months", Period(3, M)),
        ("10 business days", Period(10, B)),
        ("within 10 working days", Period(10, B)),
        ("two weeks", Period(2, W)),
        ("within two weeks", Period(2, W)),
        ("not later than 90 days after", Period(90, D)),
        ("no later than 30 days after", Period(30, D)),
        ("21 days prior to", Period(-21, D)),
        ("60 days before", Period(-60, D)),
        ("within sixty days", Period(60, D)),
        ("one hundred eighty (180) days", Period(180, D)),
        ("within one hundred twenty days", Period(120, D)),
        ("within 1 year", Period(1, Y)),
        ("not later than 2 years after", Period(2, Y)),
        ("within 72 hours", Period(72, H)),
        ("within 45 calendar days", Period(45, D)),
        ("in the first 60 days from", Period(60, D)),
        ("not later than the date that is 18 months after", Period(18, M)),
        ("within twenty-four months", Period(24, M)),
    ],
)
def test_periods(phrase: str, period: Period) -> None:
    expr = parse_phrase(phrase)
    assert expr is not None
    assert expr.period == period
    assert expr.date_ref is None


@pytest.mark.parametrize(
    ("phrase", "ref"),
    [
        ("no later than January 1, 2027", DateRef(DateRefKind.DATE, 2027, 1, 1)),
        ("by May 1, 2024", DateRef(DateRefKind.DATE, 2024, 5, 1)),
        ("on or before July 29, 2016", DateRef(DateRefKind.DATE, 2016, 7, 29)),
        ("on or before: 5/15/2016", DateRef(DateRefKind.DATE, 2016, 5, 15)),
        ("by 5 p.m. on Friday, May 6, 2016", DateRef(DateRefKind.DATE, 2016, 5, 6)),
        ("by the end of calendar year 2025", DateRef(DateRefKind.YEAR_END, 2025)),
        ("fiscal year 2026", DateRef(DateRefKind.FISCAL_YEAR, 2026)),
        ("not later than fiscal year 2026", DateRef(DateRefKind.FISCAL_YEAR, 2026)),
        ("by February 2022", DateRef(DateRefKind.MONTH, 2022, 2)),
        ("Starting in January 2022", DateRef(DateRefKind.MONTH, 2022, 1)),
        ("by the end of fiscal year 2027", DateRef(DateRefKind.FISCAL_YEAR, 2027)),
        ("calendar year 2030", DateRef(DateRefKind.YEAR_END, 2030)),
    ],
)
def test_written_dates(phrase: str, ref: DateRef) -> None:
    expr = parse_phrase(phrase)
    assert expr is not None
    assert expr.date_ref == ref
    assert expr.period is None


@pytest.mark.parametrize(
    ("phrase", "rrule"),
    [
        ("every 90 days", "FREQ=DAILY;INTERVAL=90"),
        ("every 90 days thereafter", "FREQ=DAILY;INTERVAL=90"),
        ("and annually thereafter", "FREQ=YEARLY;INTERVAL=1"),
        ("annually thereafter for 5 years", "FREQ=YEARLY;INTERVAL=1;COUNT=6"),
        ("on a semi-annual basis", "FREQ=MONTHLY;INTERVAL=6"),
        ("quarterly", "FREQ=MONTHLY;INTERVAL=3"),
        ("a biennial report", "FREQ=YEARLY;INTERVAL=2"),
        ("at least once every 10 years", "FREQ=YEARLY;INTERVAL=10"),
        ("each fiscal year", "FREQ=YEARLY;INTERVAL=1"),
        ("annually", "FREQ=YEARLY;INTERVAL=1"),
    ],
)
def test_recurrences(phrase: str, rrule: str) -> None:
    expr = parse_phrase(phrase)
    assert expr is not None
    assert expr.recurrence == rrule


def test_for_each_of_fiscal_years_is_a_counted_recurrence_from_the_first() -> None:
    expr = parse_phrase("for each of fiscal years 2026, 2027, and 2028")
    assert expr is not None
    assert expr.date_ref == DateRef(DateRefKind.FISCAL_YEAR, 2026)
    assert expr.recurrence == "FREQ=YEARLY;INTERVAL=1;COUNT=3"


def test_first_deadline_keeps_its_thereafter_recurrence() -> None:
    expr = parse_phrase("Within 2 years after the date of this order and annually thereafter")
    assert expr is not None
    assert expr.period == Period(2, Y)
    assert expr.recurrence == "FREQ=YEARLY;INTERVAL=1"


def test_window_beginning_on_is_a_window() -> None:
    expr = parse_phrase("during the 10-day period beginning on the effective date")
    assert expr is not None
    assert expr.window and expr.period == Period(10, D)


@pytest.mark.parametrize(
    "phrase",
    [
        "",
        "   ",
        "periodically",
        "from time to time",
        "as soon as possible",
        "hello world",
        "Executive Order 13953 of September 30, 2020",
        "for 1 year",
        "since 2019",
    ],
)
def test_not_deadlines(phrase: str) -> None:
    assert parse_phrase(phrase) is None


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("one hundred eighty", 180),
        ("twenty-four", 24),
        ("sixty", 60),
        ("two thousand five", 2005),
        ("ten", 10),
    ],
)
def test_number_words(words: str, value: int) -> None:
    assert words_to_int(words) == value


def test_doubled_number_disagreement_is_reported() -> None:
    assert parse_number("ninety (60)") == (60, True)
    assert parse_number("one hundred eighty (180)") == (180, False)


@pytest.mark.parametrize(
    ("phrase", "anchor", "due"),
    [
        # checklist rows 1-4, 9, 16 of EXTRACTION-NOTES §7: the phrase plus its anchor date
        ("within 100 days of the date of this order", dt.date(2021, 2, 24), dt.date(2021, 6, 4)),
        ("not later than 180 days after the date of this order", dt.date(2021, 7, 9), dt.date(2022, 1, 5)),
        ("within 1 month of the date of this order", dt.date(2021, 1, 31), dt.date(2021, 2, 28)),
        ("within 1 year of the date of this order", dt.date(2024, 2, 29), dt.date(2025, 2, 28)),
        ("within two weeks of the date of this memorandum", dt.date(2024, 7, 31), dt.date(2024, 8, 14)),
        ("on or before the 30th day after the postmark date", dt.date(2016, 6, 1), dt.date(2016, 7, 1)),
        ("no later than 21 days prior to the hearing date", dt.date(2016, 8, 4), dt.date(2016, 7, 14)),
        ("within 180 days", dt.date(2026, 6, 3), dt.date(2026, 11, 30)),
    ],
)
def test_phrase_plus_anchor_gives_due_date(phrase: str, anchor: dt.date, due: dt.date) -> None:
    expr = parse_phrase(phrase)
    assert expr is not None
    assert resolve(expr, Anchor(AnchorKind.ISSUED, anchor)).date == due


@pytest.mark.parametrize(
    "text",
    [
        "pursuant to Executive Order 13953 of September 30, 2020",
        "80 Fed. Reg. 19738 (Apr. 13, 2015)",
        "[FR Doc. 2016-08650 Filed 4-14-16; 8:45 am]",
        "the Communications Act of 1934 (47 U.S.C. 309(j)(11))",
        "with the goal of doubling offshore wind by 2030",
        "a carbon pollution-free electricity sector no later than 2035",
        "On or after April 2, 2025, a tariff may be imposed",
        "to remain available until September 30, 2029",
        "as of the date of enactment of this Act",
        "Call 202-555-0100 for the 24-hour service.",
        "Upon completion of their 90-day review",
    ],
)
def test_tokenizer_ignores_citations_and_scope(text: str) -> None:
    kinds = {(t.kind, t.relation) for t in tokenize(text)}
    assert not {k for k in kinds if k[0] in ("offset", "date")}, kinds


def test_tokens_keep_offsets() -> None:
    text = "The Board shall act within 30 days of the date of this order and by May 1, 2024."
    for tok in tokenize(text):
        assert text[tok.start : tok.end] == tok.text
