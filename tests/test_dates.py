"""The due-date engine: a table of phrases with their dates, then one named test per calendar rule."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tracker import dates
from tracker.dates import (
    add_business_days,
    apply_override,
    explain,
    is_business_day,
    occurrences,
    policy_for,
    resolve,
    roll,
)
from tracker.errors import ConfigError
from tracker.model import (
    Anchor,
    AnchorKind,
    DatePolicy,
    DateRef,
    DateRefKind,
    DeadlineExpr,
    DueDate,
    Period,
    RollPolicy,
    Step,
    Unit,
)

NONE = DatePolicy()
FOLLOWING = DatePolicy(roll=RollPolicy.FOLLOWING)
PRECEDING = DatePolicy(roll=RollPolicy.PRECEDING)
MODIFIED = DatePolicy(roll=RollPolicy.MODIFIED_FOLLOWING)
LAST = DatePolicy(month_only="last")
BD = "business_days"


def d(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def after(
    amount: int, unit: str = "days", *, window: bool = False, recurrence: str | None = None
) -> DeadlineExpr:
    return DeadlineExpr(f"{amount} {unit}", Period(amount, Unit(unit)), window=window, recurrence=recurrence)


def written(
    kind: str, year: int, month: int | None = None, day: int | None = None, **kw: int
) -> DeadlineExpr:
    return DeadlineExpr(f"{kind} {year}", date_ref=DateRef(DateRefKind(kind), year, month, day, **kw))


def anchored(iso: str | None, kind: AnchorKind = AnchorKind.ISSUED) -> Anchor:
    return Anchor(kind, d(iso) if iso else None, "the date of this order", "document metadata: issued")


# (label, anchor date, expression, policy, expected due date, date rolled from or None)
TABLE = [
    # calendar days, including the corpus examples
    ("EO 14411 + 180 days", "2026-06-03", after(180), NONE, "2026-11-30", None),
    ("corpus 1: 2021-02-24 + 100 days", "2021-02-24", after(100), NONE, "2021-06-04", None),
    ("corpus 2: 2021-07-09 + 180 days", "2021-07-09", after(180), NONE, "2022-01-05", None),
    ("corpus 26: 2025-07-04 + 180 days", "2025-07-04", after(180), NONE, "2025-12-31", None),
    ("corpus 32: HIFPA + 120 days (a Saturday)", "2015-12-18", after(120), NONE, "2016-04-16", None),
    ("corpus 16: postmark + 30 days", "2016-06-01", after(30), NONE, "2016-07-01", None),
    ("corpus 38: + five days", "2023-09-20", after(5), NONE, "2023-09-25", None),
    ("corpus 39: + 60 days", "2025-06-23", after(60), NONE, "2025-08-22", None),
    ("30 days", "2026-06-03", after(30), NONE, "2026-07-03", None),
    ("60 days across two month ends", "2026-06-03", after(60), NONE, "2026-08-02", None),
    ("90 days", "2026-06-03", after(90), NONE, "2026-09-01", None),
    ("365 days, no leap day between", "2026-06-03", after(365), NONE, "2027-06-03", None),
    ("366 days across 2024-02-29", "2024-01-01", after(366), NONE, "2025-01-01", None),
    ("1 day onto a leap day", "2024-02-28", after(1), NONE, "2024-02-29", None),
    ("1 day, common year", "2023-02-28", after(1), NONE, "2023-03-01", None),
    ("1 day across a year end", "2024-12-31", after(1), NONE, "2025-01-01", None),
    ("0 days is the anchor", "2026-06-03", after(0), NONE, "2026-06-03", None),
    # weeks
    ("corpus 9: two weeks", "2026-06-03", after(2, "weeks"), NONE, "2026-06-17", None),
    ("1 week across a year end", "2021-12-27", after(1, "weeks"), NONE, "2022-01-03", None),
    ("1 week onto a leap day", "2024-02-22", after(1, "weeks"), NONE, "2024-02-29", None),
    ("2 weeks before", "2026-06-17", after(-2, "weeks"), NONE, "2026-06-03", None),
    # months: day kept, clamped to the month end
    ("corpus 3: Jan 31 + 1 month clamps", "2021-01-31", after(1, "months"), NONE, "2021-02-28", None),
    ("Jan 31 + 1 month in a leap year", "2024-01-31", after(1, "months"), NONE, "2024-02-29", None),
    ("corpus 7: + 9 months", "2010-10-13", after(9, "months"), NONE, "2011-07-13", None),
    ("corpus 8: + 18 months", "2025-07-04", after(18, "months"), NONE, "2027-01-04", None),
    ("Aug 31 + 6 months onto a leap day", "2023-08-31", after(6, "months"), NONE, "2024-02-29", None),
    ("Aug 31 + 6 months, common year", "2022-08-31", after(6, "months"), NONE, "2023-02-28", None),
    ("Mar 31 + 1 month clamps to Apr 30", "2021-03-31", after(1, "months"), NONE, "2021-04-30", None),
    ("May 31 - 3 months clamps to Feb 28", "2021-05-31", after(-3, "months"), NONE, "2021-02-28", None),
    ("25 USC 1677: Dec 17 1980 + 18 months", "1980-12-17", after(18, "months"), NONE, "1982-06-17", None),
    ("12 months keeps the 31st", "2021-10-31", after(12, "months"), NONE, "2022-10-31", None),
    # years
    ("corpus 4: leap day + 1 year", "2024-02-29", after(1, "years"), NONE, "2025-02-28", None),
    ("leap day + 4 years", "2024-02-29", after(4, "years"), NONE, "2028-02-29", None),
    ("corpus 24: + 2 years", "2023-07-28", after(2, "years"), NONE, "2025-07-28", None),
    ("1 year after October 13, 2006", "2006-10-13", after(1, "years"), NONE, "2007-10-13", None),
    ("leap day - 1 year", "2024-02-29", after(-1, "years"), NONE, "2023-02-28", None),
    # negative calendar days
    ("corpus 13: 21 days prior to the hearing", "2016-08-04", after(-21), NONE, "2016-07-14", None),
    ("60 days before", "2016-08-04", after(-60), NONE, "2016-06-05", None),
    ("1 day before Mar 1", "2021-03-01", after(-1), NONE, "2021-02-28", None),
    ("1 day before Mar 1, leap year", "2024-03-01", after(-1), NONE, "2024-02-29", None),
    # business days
    ("corpus 12: 7 business days prior", "2016-08-04", after(-7, "business_days"), NONE, "2016-07-26", None),
    ("Friday + 1 business day", "2026-06-05", after(1, "business_days"), NONE, "2026-06-08", None),
    ("Thursday + 5 business days", "2026-06-04", after(5, "business_days"), NONE, "2026-06-11", None),
    ("Monday - 1 business day", "2026-06-08", after(-1, "business_days"), NONE, "2026-06-05", None),
    ("10 business days", "2026-06-03", after(10, "business_days"), NONE, "2026-06-17", None),
    ("over July 4 (Friday)", "2025-07-03", after(1, "business_days"), NONE, "2025-07-07", None),
    ("back over July 4 (Friday)", "2025-07-07", after(-1, "business_days"), NONE, "2025-07-03", None),
    ("the day before Thanksgiving + 1", "2025-11-26", after(1, "business_days"), NONE, "2025-11-28", None),
    ("5 business days over Thanksgiving", "2025-11-24", after(5, "business_days"), NONE, "2025-12-02", None),
    ("over Christmas (Thursday)", "2025-12-24", after(1, "business_days"), NONE, "2025-12-26", None),
    ("Christmas 2021 observed Friday", "2021-12-23", after(1, "business_days"), NONE, "2021-12-27", None),
    ("New Year 2022 observed 2021-12-31", "2021-12-30", after(1, "business_days"), NONE, "2022-01-03", None),
    ("back over New Year 2022 observed", "2022-01-03", after(-1, "business_days"), NONE, "2021-12-30", None),
    ("over Labor Day (Monday)", "2026-09-04", after(1, "business_days"), NONE, "2026-09-08", None),
    ("back over Labor Day (Monday)", "2026-09-08", after(-1, "business_days"), NONE, "2026-09-04", None),
    ("over July 4 2026 observed Friday", "2026-07-02", after(1, "business_days"), NONE, "2026-07-06", None),
    ("over Juneteenth (Friday)", "2026-06-18", after(1, "business_days"), NONE, "2026-06-22", None),
    ("0 business days from a Saturday", "2026-06-06", after(0, "business_days"), NONE, "2026-06-06", None),
    ("business days never roll", "2026-06-05", after(1, BD), FOLLOWING, "2026-06-08", None),
    # hours: the anchor is taken at the start of its day
    ("72 hours", "2026-06-03", after(72, "hours"), NONE, "2026-06-06", None),
    ("36 hours", "2026-06-03", after(36, "hours"), NONE, "2026-06-04", None),
    ("24 hours", "2026-06-03", after(24, "hours"), NONE, "2026-06-04", None),
    ("12 hours", "2026-06-03", after(12, "hours"), NONE, "2026-06-03", None),
    ("36 hours before", "2026-06-03", after(-36, "hours"), NONE, "2026-06-01", None),
    ("48 hours before", "2026-06-03", after(-48, "hours"), NONE, "2026-06-01", None),
    # windows: "during the N-day period beginning on X"
    ("corpus 15: 10-day period", "2016-05-02", after(10, window=True), NONE, "2016-05-11", None),
    ("1-day period is that day", "2026-06-03", after(1, window=True), NONE, "2026-06-03", None),
    ("2-week period", "2026-06-03", after(2, "weeks", window=True), NONE, "2026-06-16", None),
    ("1-month period", "2021-03-01", after(1, "months", window=True), NONE, "2021-03-31", None),
    ("5 business days from a Saturday", "2026-06-06", after(5, BD, window=True), NONE, "2026-06-12", None),
    ("5 business days from a Monday", "2026-06-08", after(5, BD, window=True), NONE, "2026-06-12", None),
    ("72-hour period", "2026-06-03", after(72, "hours", window=True), NONE, "2026-06-05", None),
    ("36-hour period", "2026-06-03", after(36, "hours", window=True), NONE, "2026-06-04", None),
    ("window ends on a Saturday", "2026-06-03", after(4, window=True), FOLLOWING, "2026-06-08", "2026-06-06"),
    # absolute dates as written
    ("corpus 17: by May 1, 2024", None, written("date", 2024, 5, 1), NONE, "2024-05-01", None),
    ("corpus 18: 5/15/2016, a Sunday", None, written("date", 2016, 5, 15), NONE, "2016-05-15", None),
    ("a written Sunday is not rolled", None, written("date", 2016, 5, 15), FOLLOWING, "2016-05-15", None),
    ("a written holiday is not rolled", None, written("date", 2025, 12, 25), PRECEDING, "2025-12-25", None),
    ("corpus 20: By February 2022", None, written("month", 2022, 2), NONE, "2022-02-01", None),
    ("February 2022, last day", None, written("month", 2022, 2), LAST, "2022-02-28", None),
    ("February 2024, last day", None, written("month", 2024, 2), LAST, "2024-02-29", None),
    ("December 2025, last day", None, written("month", 2025, 12), LAST, "2025-12-31", None),
    ("end of calendar year 2025", None, written("year_end", 2025), NONE, "2025-12-31", None),
    ("corpus 21: fiscal year 2026", None, written("fiscal_year", 2026), NONE, "2026-09-30", None),
    ("corpus 22: fiscal year 2024", None, written("fiscal_year", 2024), NONE, "2024-09-30", None),
    ("FY 2026 Q1", None, written("fiscal_quarter", 2026, quarter=1), NONE, "2025-12-31", None),
    ("FY 2026 Q2", None, written("fiscal_quarter", 2026, quarter=2), NONE, "2026-03-31", None),
    ("FY 2026 Q3", None, written("fiscal_quarter", 2026, quarter=3), NONE, "2026-06-30", None),
    ("FY 2026 Q4", None, written("fiscal_quarter", 2026, quarter=4), NONE, "2026-09-30", None),
    # roll policies on a Saturday, a Sunday, a holiday and a month end
    ("Saturday, none", "2026-06-03", after(178), NONE, "2026-11-28", None),
    ("Saturday, following", "2026-06-03", after(178), FOLLOWING, "2026-11-30", "2026-11-28"),
    ("Saturday, preceding", "2026-06-03", after(178), PRECEDING, "2026-11-27", "2026-11-28"),
    ("Saturday, modified following", "2026-06-03", after(178), MODIFIED, "2026-11-30", "2026-11-28"),
    ("Sunday, none", "2026-06-03", after(179), NONE, "2026-11-29", None),
    ("Sunday, following", "2026-06-03", after(179), FOLLOWING, "2026-11-30", "2026-11-29"),
    ("Sunday, preceding", "2026-06-03", after(179), PRECEDING, "2026-11-27", "2026-11-29"),
    ("Sunday, modified following", "2026-06-03", after(179), MODIFIED, "2026-11-30", "2026-11-29"),
    ("Thanksgiving, none", "2026-06-03", after(176), NONE, "2026-11-26", None),
    ("Thanksgiving, following", "2026-06-03", after(176), FOLLOWING, "2026-11-27", "2026-11-26"),
    ("Thanksgiving, preceding", "2026-06-03", after(176), PRECEDING, "2026-11-25", "2026-11-26"),
    ("Thanksgiving, modified following", "2026-06-03", after(176), MODIFIED, "2026-11-27", "2026-11-26"),
    ("Saturday Oct 31, following", "2026-06-03", after(150), FOLLOWING, "2026-11-02", "2026-10-31"),
    ("Saturday Oct 31, modified following", "2026-06-03", after(150), MODIFIED, "2026-10-30", "2026-10-31"),
    ("Sunday May 31, modified following", "2026-05-01", after(30), MODIFIED, "2026-05-29", "2026-05-31"),
    ("observed New Year, following", "2021-12-01", after(30), FOLLOWING, "2022-01-03", "2021-12-31"),
    ("observed New Year, modified following", "2021-12-01", after(30), MODIFIED, "2021-12-30", "2021-12-31"),
    ("Christmas Saturday, preceding", "2021-12-01", after(24), PRECEDING, "2021-12-23", "2021-12-25"),
    ("July 4 2026 Saturday, following", "2026-06-03", after(31), FOLLOWING, "2026-07-06", "2026-07-04"),
    ("July 4 2026 Saturday, preceding", "2026-06-03", after(31), PRECEDING, "2026-07-02", "2026-07-04"),
    ("corpus 32 with FRCP 6(a) roll", "2015-12-18", after(120), FOLLOWING, "2016-04-18", "2016-04-16"),
    ("a month-end clamp then a roll", "2021-01-31", after(1, "months"), MODIFIED, "2021-02-26", "2021-02-28"),
]


def test_table_is_large_and_labels_are_unique() -> None:
    assert len(TABLE) >= 80
    assert len({row[0] for row in TABLE}) == len(TABLE)


@pytest.mark.parametrize(
    ("label", "anchor", "expr", "policy", "expected", "rolled_from"), TABLE, ids=[row[0] for row in TABLE]
)
def test_table(
    label: str,
    anchor: str | None,
    expr: DeadlineExpr,
    policy: DatePolicy,
    expected: str,
    rolled_from: str | None,
) -> None:
    due = resolve(expr, anchored(anchor), policy)
    assert due.date == d(expected), label
    rolls = [step for step in due.steps if step.kind == "roll"]
    if rolled_from is None:
        assert rolls == []
    else:
        assert [(s.data["from"], s.data["to"]) for s in rolls] == [(rolled_from, expected)]


# --- one named test per rule stated in the module docstring -------------------------------------


def test_days_count_calendar_days_from_the_anchor() -> None:
    due = resolve(after(180), anchored("2026-06-03"))
    assert due.date == d("2026-11-30")
    assert "2026-06-03 + 180 calendar days = 2026-11-30" in explain(due)[1]


def test_within_and_not_later_than_both_end_on_the_anchor_plus_n() -> None:
    anchor = anchored("2021-07-09")
    within = resolve(
        DeadlineExpr("within 180 days of the date of this order", Period(180, Unit.DAYS)), anchor
    )
    not_later = DeadlineExpr("not later than 180 days after the date of this order", Period(180, Unit.DAYS))
    assert within.date == resolve(not_later, anchor).date == d("2022-01-05")


def test_weeks_are_seven_days() -> None:
    assert resolve(after(3, "weeks"), anchored("2026-06-03")).date == d("2026-06-03") + dt.timedelta(days=21)


def test_months_clamp_to_the_last_day_of_a_short_month() -> None:
    due = resolve(after(1, "months"), anchored("2021-01-31"))
    assert due.date == d("2021-02-28")
    note = next(step for step in due.steps if step.kind == "note")
    assert "February 2021 has no day 31" in note.text


def test_a_year_from_a_leap_day_is_february_28() -> None:
    assert resolve(after(1, "years"), anchored("2024-02-29")).date == d("2025-02-28")


def test_six_months_from_august_31_is_the_end_of_february() -> None:
    assert resolve(after(6, "months"), anchored("2023-08-31")).date == d("2024-02-29")
    assert resolve(after(6, "months"), anchored("2022-08-31")).date == d("2023-02-28")


def test_months_without_clamping_add_no_note() -> None:
    due = resolve(after(9, "months"), anchored("2010-10-13"))
    assert [step.kind for step in due.steps] == ["anchor", "period"]


def test_a_negative_period_counts_backwards() -> None:
    due = resolve(after(-21), anchored("2016-08-04", AnchorKind.ABSOLUTE))
    assert due.date == d("2016-07-14")
    assert "2016-08-04 - 21 calendar days = 2016-07-14" in explain(due)[1]


def test_business_days_skip_weekends_and_holidays() -> None:
    due = resolve(after(5, "business_days"), anchored("2025-11-24"))
    assert due.date == d("2025-12-02")
    period = due.steps[1]
    assert period.data["holidays_skipped"] == ["2025-11-27"]
    assert "Thanksgiving Day" in period.text


def test_an_observed_holiday_is_a_holiday() -> None:
    assert not is_business_day(d("2021-12-31"), NONE)  # New Year's Day 2022 (a Saturday), observed
    assert not is_business_day(d("2021-12-24"), NONE)  # Christmas 2021 (a Saturday), observed
    assert is_business_day(d("2021-12-30"), NONE)


def test_business_days_start_counting_the_day_after_the_anchor() -> None:
    assert add_business_days(d("2026-06-03"), 1, NONE) == d("2026-06-04")
    assert add_business_days(d("2026-06-06"), 1, NONE) == d("2026-06-08")  # from a Saturday
    assert add_business_days(d("2026-06-06"), -1, NONE) == d("2026-06-05")
    assert add_business_days(d("2026-06-06"), 0, NONE) == d("2026-06-06")


def test_business_days_use_the_policy_calendar() -> None:
    # Emancipation Day (April 16) is a holiday in the District of Columbia only; 2024-04-16 is a Tuesday.
    assert is_business_day(d("2024-04-16"), NONE)
    assert not is_business_day(d("2024-04-16"), DatePolicy(holiday_subdiv="DC"))
    assert add_business_days(d("2024-04-15"), 1, DatePolicy(holiday_subdiv="DC")) == d("2024-04-17")


def test_hours_end_on_the_anchor_plus_whole_days_rounded_down() -> None:
    assert resolve(after(72, "hours"), anchored("2026-06-03")).date == d("2026-06-06")
    due = resolve(after(36, "hours"), anchored("2026-06-03"))
    assert due.date == d("2026-06-04")
    assert any(step.kind == "note" and "not a whole number of days" in step.text for step in due.steps)
    assert resolve(after(-36, "hours"), anchored("2026-06-03")).date == d("2026-06-01")


def test_hours_from_an_undated_event_stay_undated() -> None:
    anchor = Anchor(AnchorKind.EVENT, None, "receipt of the notice")
    due = resolve(DeadlineExpr("within 72 hours of receipt", Period(72, Unit.HOURS)), anchor)
    assert due.date is None
    assert due.steps[0].data["iso"] == "PT72H"


def test_a_window_ends_on_its_last_day() -> None:
    due = resolve(after(10, window=True), anchored("2016-05-02", AnchorKind.EFFECTIVE))
    assert due.date == d("2016-05-11")
    assert [step.kind for step in due.steps] == ["anchor", "window"]
    assert due.steps[1].data == {"from": "2016-05-02", "to": "2016-05-11", "amount": 10, "unit": "days"}


def test_a_business_day_window_starts_on_the_first_business_day() -> None:
    assert resolve(after(1, "business_days", window=True), anchored("2026-06-06")).date == d("2026-06-08")
    assert resolve(after(1, "business_days", window=True), anchored("2026-06-08")).date == d("2026-06-08")


@pytest.mark.parametrize("amount", [0, -3])
def test_a_window_needs_a_positive_period(amount: int) -> None:
    with pytest.raises(ValueError, match="positive period"):
        resolve(after(amount, window=True), anchored("2026-06-03"))


def test_a_month_alone_is_its_first_day_and_the_last_is_mentioned() -> None:
    due = resolve(written("month", 2022, 2), anchored(None))
    assert due.date == d("2022-02-01")
    assert due.steps[0].kind == "absolute"
    assert due.steps[0].data["alternative"] == "2022-02-28"
    assert "the last day would be 2022-02-28" in due.steps[0].text


def test_a_month_alone_is_its_last_day_when_the_policy_says_so() -> None:
    due = resolve(written("month", 2022, 2), anchored(None), LAST)
    assert due.date == d("2022-02-28")
    assert "the first day would be 2022-02-01" in due.steps[0].text


def test_a_bad_month_only_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="month_only"):
        resolve(written("month", 2022, 2), anchored(None), DatePolicy(month_only="middle"))


def test_the_end_of_a_calendar_year_is_december_31() -> None:
    assert resolve(written("year_end", 2025), anchored(None)).date == d("2025-12-31")


def test_fiscal_year_n_ends_september_30_of_n() -> None:
    due = resolve(written("fiscal_year", 2026), anchored(None))
    assert due.date == d("2026-09-30")
    assert "2025-10-01 to 2026-09-30" in due.steps[0].text


@pytest.mark.parametrize(
    ("quarter", "begins", "ends"),
    [
        (1, "2025-10-01", "2025-12-31"),
        (2, "2026-01-01", "2026-03-31"),
        (3, "2026-04-01", "2026-06-30"),
        (4, "2026-07-01", "2026-09-30"),
    ],
)
def test_fiscal_quarters_end_with_the_calendar_quarters(quarter: int, begins: str, ends: str) -> None:
    due = resolve(written("fiscal_quarter", 2026, quarter=quarter), anchored(None))
    assert due.date == d(ends)
    assert f"runs from {begins} to {ends}" in due.steps[0].text


def test_a_period_after_a_written_date_counts_from_that_date() -> None:
    expr = DeadlineExpr(
        "the date eighteen months after December 17, 1980",
        Period(18, Unit.MONTHS),
        DateRef(DateRefKind.DATE, 1980, 12, 17),
    )
    due = resolve(expr, anchored("2026-06-03"))  # the written date wins over the document's date
    assert due.date == d("1982-06-17")
    assert [step.kind for step in due.steps] == ["absolute", "period"]


def test_a_written_date_is_never_rolled() -> None:
    due = resolve(written("date", 2016, 5, 15), anchored(None), FOLLOWING)
    assert due.date == d("2016-05-15")
    assert not any(step.kind == "roll" for step in due.steps)
    note = due.steps[-1]
    assert note.kind == "note"
    assert note.text == "2016-05-15 is a Sunday; not rolled (a date taken as written is never rolled)."


def test_an_anchor_date_without_a_period_is_the_due_date_and_is_not_rolled() -> None:
    due = resolve(DeadlineExpr("by the hearing date"), anchored("2016-05-15", AnchorKind.ABSOLUTE), FOLLOWING)
    assert due.date == d("2016-05-15")
    assert [step.kind for step in due.steps] == ["anchor", "note", "note"]


def test_no_roll_by_default_but_the_weekend_is_noted() -> None:
    due = resolve(after(178), anchored("2026-06-03"))
    assert due.date == d("2026-11-28")
    assert due.steps[-1].text == "2026-11-28 is a Saturday; not rolled (the roll policy is none)."


def test_following_rolls_to_the_next_business_day() -> None:
    due = resolve(after(178), anchored("2026-06-03"), FOLLOWING)
    assert due.steps[-1].text == "2026-11-28 is a Saturday; rolled to the following business day 2026-11-30."
    assert due.steps[-1].data == {
        "from": "2026-11-28",
        "to": "2026-11-30",
        "policy": "following",
        "reason": "2026-11-28 is a Saturday",
    }


def test_preceding_rolls_to_the_previous_business_day() -> None:
    rolled, step = roll(d("2026-11-26"), PRECEDING)
    assert rolled == d("2026-11-25")
    assert step is not None
    assert "a holiday (Thanksgiving Day)" in step.text


def test_modified_following_rolls_back_when_forward_leaves_the_month() -> None:
    rolled, step = roll(d("2026-10-31"), MODIFIED)
    assert rolled == d("2026-10-30")
    assert step is not None
    assert "2026-11-02 is in the next month" in step.text
    assert roll(d("2026-11-28"), MODIFIED)[0] == d("2026-11-30")


def test_a_weekend_holiday_names_both_reasons() -> None:
    _, step = roll(d("2021-12-25"), FOLLOWING)
    assert step is not None
    assert step.data["reason"] == "2021-12-25 is a Saturday and a holiday (Christmas Day)"
    assert step.data["to"] == "2021-12-27"


def test_roll_leaves_business_days_and_policy_none_alone() -> None:
    assert roll(d("2026-11-30"), FOLLOWING) == (d("2026-11-30"), None)
    assert roll(d("2026-11-28"), NONE) == (d("2026-11-28"), None)


def test_an_undated_event_gives_no_date() -> None:
    anchor = Anchor(AnchorKind.EVENT, None, "the submission of the action plan")
    due = resolve(DeadlineExpr("within 30 days of submission", Period(30, Unit.DAYS)), anchor, FOLLOWING)
    assert due.date is None
    assert [step.kind for step in due.steps] == ["undated"]
    assert due.steps[0].text.startswith("Awaiting the submission of the action plan")
    assert "30 calendar days" in due.steps[0].text


def test_an_unknown_signing_date_gives_no_date() -> None:
    due = resolve(after(60), Anchor(AnchorKind.ISSUED, None, "the date of this order"))
    assert due.date is None
    assert due.steps[0].text == (
        "Awaiting the date of this order: the issued date is unknown, so the deadline "
        "(60 calendar days from it) has no date yet."
    )


def test_a_recurrence_with_no_start_has_no_date() -> None:
    due = resolve(DeadlineExpr("quarterly", recurrence="FREQ=MONTHLY;INTERVAL=3"), Anchor(AnchorKind.NONE))
    assert due.date is None
    assert [step.kind for step in due.steps] == ["undated", "recurrence"]
    assert "every 3 months" in due.steps[1].text


def test_a_recurrence_is_kept_as_written_and_described() -> None:
    expr = after(180, recurrence="FREQ=DAILY;INTERVAL=90")
    due = resolve(expr, anchored("2025-07-04", AnchorKind.ENACTED))
    assert due.date == d("2025-12-31")
    last = due.steps[-1]
    assert last.kind == "recurrence"
    assert last.data == {"rrule": "FREQ=DAILY;INTERVAL=90"}
    assert last.text.startswith("Then every 90 days after 2025-12-31")


def test_a_recurrence_count_and_until_are_described() -> None:
    due = resolve(after(2, "years", recurrence="FREQ=YEARLY;INTERVAL=1;COUNT=6"), anchored("2023-07-28"))
    assert "every year" in due.steps[-1].text
    assert "6 occurrences in all counting the first" in due.steps[-1].text
    due = resolve(
        DeadlineExpr("biennial", recurrence="FREQ=YEARLY;INTERVAL=2;UNTIL=20340630"), anchored("2026-06-03")
    )
    assert "every 2 years" in due.steps[-1].text
    assert "until 2034-06-30" in due.steps[-1].text


def test_a_malformed_recurrence_is_refused() -> None:
    with pytest.raises(ValueError, match="bad recurrence rule"):
        resolve(after(1, recurrence="FREQ=SOMETIMES"), anchored("2026-06-03"))
    with pytest.raises(ValueError, match="bad recurrence rule"):
        occurrences(d("2026-06-03"), "FREQ", 3)


def test_a_period_beyond_the_calendar_is_refused() -> None:
    with pytest.raises(ValueError, match="out of range"):
        resolve(after(100_000, "years"), anchored("2026-06-03"))


# --- steps and explanations --------------------------------------------------------------------


def test_steps_come_in_order_anchor_period_note_roll_recurrence() -> None:
    expr = after(1, "months", recurrence="FREQ=MONTHLY;INTERVAL=1")
    due = resolve(expr, anchored("2021-01-31"), MODIFIED)
    assert [step.kind for step in due.steps] == ["anchor", "period", "note", "roll", "recurrence"]


def test_the_explanation_names_the_anchor_its_source_and_the_period() -> None:
    due = resolve(after(180), anchored("2026-06-03"))
    assert explain(due) == [
        "Anchor: the date of this order (issued), 2026-06-03, from document metadata: issued.",
        "2026-06-03 + 180 calendar days = 2026-11-30.",
    ]
    assert due.steps[0].data == {
        "anchor_kind": "issued",
        "date": "2026-06-03",
        "anchor_text": "the date of this order",
        "source": "document metadata: issued",
    }
    assert due.steps[1].data == {
        "from": "2026-06-03",
        "to": "2026-11-30",
        "amount": 180,
        "unit": "days",
        "iso": "P180D",
    }


def test_singular_units_read_naturally() -> None:
    assert "+ 1 month = " in explain(resolve(after(1, "months"), anchored("2021-03-01")))[1]
    assert "+ 1 business day = " in explain(resolve(after(1, "business_days"), anchored("2021-03-01")))[1]


def test_step_data_is_json_serializable_and_never_hides_kind_or_text() -> None:
    exprs = [
        after(5, "business_days", recurrence="FREQ=YEARLY"),
        after(1, "months"),
        written("month", 2022, 2),
    ]
    for expr in exprs:
        for step in resolve(expr, anchored("2025-11-24"), MODIFIED).steps:
            assert {"kind", "text"}.isdisjoint(step.data)
            assert json.loads(json.dumps(step.as_dict()))["kind"] == step.kind


def test_explain_of_an_empty_due_date_is_empty() -> None:
    assert explain(DueDate(None)) == []


# --- occurrences ------------------------------------------------------------------------------


def test_occurrences_start_with_the_first_due_date() -> None:
    assert occurrences(d("2025-12-31"), "FREQ=DAILY;INTERVAL=90", 3) == [
        d("2025-12-31"),
        d("2026-03-31"),
        d("2026-06-29"),
    ]


def test_occurrence_count_includes_the_first_due_date() -> None:
    found = occurrences(d("2025-07-28"), "FREQ=YEARLY;INTERVAL=1;COUNT=6", 10)
    assert found == [d(f"{year}-07-28") for year in range(2025, 2031)]


def test_occurrences_until_is_inclusive() -> None:
    found = occurrences(d("2030-06-30"), "FREQ=YEARLY;INTERVAL=2;UNTIL=20340630", 10)
    assert found == [d("2030-06-30"), d("2032-06-30"), d("2034-06-30")]
    found = occurrences(d("2026-01-01"), "FREQ=DAILY;INTERVAL=100;UNTIL=20260411T000000Z", 10)
    assert found == [d("2026-01-01"), d("2026-04-11")]


def test_occurrences_after_a_date_exclude_it() -> None:
    rule = "FREQ=DAILY;INTERVAL=90"
    assert occurrences(d("2025-12-31"), rule, 2, after=d("2026-03-31")) == [d("2026-06-29"), d("2026-09-27")]
    assert occurrences(d("2025-07-28"), "FREQ=YEARLY", 2, after=d("2027-07-28")) == [
        d("2028-07-28"),
        d("2029-07-28"),
    ]
    assert occurrences(d("2025-07-28"), "FREQ=YEARLY;COUNT=2", 5, after=d("2030-01-01")) == []


def test_monthly_and_yearly_occurrences_clamp_like_periods() -> None:
    # RFC 5545 would skip the years without February 29 and the months without a 31st.
    assert occurrences(d("2024-02-29"), "FREQ=YEARLY", 3) == [
        d("2024-02-29"),
        d("2025-02-28"),
        d("2026-02-28"),
    ]
    assert occurrences(d("2023-08-31"), "FREQ=MONTHLY;INTERVAL=6", 3, after=d("2023-08-31")) == [
        d("2024-02-29"),
        d("2024-08-31"),
        d("2025-02-28"),
    ]


def test_occurrences_with_by_parts_follow_the_rule() -> None:
    found = occurrences(d("2026-06-01"), "FREQ=MONTHLY;BYMONTHDAY=-1", 2)
    assert found == [d("2026-06-30"), d("2026-07-31")]


def test_occurrence_count_zero_and_negative() -> None:
    assert occurrences(d("2026-06-03"), "FREQ=DAILY", 0) == []
    with pytest.raises(ValueError, match="count"):
        occurrences(d("2026-06-03"), "FREQ=DAILY", -1)


# --- overrides and policies -------------------------------------------------------------------


def test_an_override_keeps_the_steps_and_adds_one() -> None:
    due = resolve(after(180), anchored("2026-06-03"))
    fixed = apply_override(due, d("2026-12-01"), "  agency counsel confirmed the later date ")
    assert fixed.date == d("2026-12-01")
    assert fixed.steps[:-1] == due.steps
    assert fixed.steps[-1] == Step(
        "override",
        "Manually set to 2026-12-01 (was 2026-11-30): agency counsel confirmed the later date.",
        {"from": "2026-11-30", "to": "2026-12-01", "reason": "agency counsel confirmed the later date"},
    )


def test_an_override_of_an_undated_deadline() -> None:
    fixed = apply_override(DueDate(None), d("2026-12-01"), "report submitted 2026-11-01")
    assert fixed.steps[-1].data["from"] is None
    assert "(was undated)" in fixed.steps[-1].text


def test_an_override_needs_a_reason() -> None:
    with pytest.raises(ValueError, match="reason"):
        apply_override(DueDate(None), d("2026-12-01"), "  ")


def test_policy_for_picks_the_roll_of_the_instrument_kind() -> None:
    rolls = {"executive_order": "none", "rule": "following"}
    assert policy_for("rule", rolls) == FOLLOWING
    assert policy_for("executive_order", rolls, RollPolicy.PRECEDING) == NONE
    assert policy_for("statute", rolls) == NONE
    assert policy_for("statute", rolls, RollPolicy.MODIFIED_FOLLOWING) == MODIFIED
    assert policy_for("rule", rolls, holiday_subdiv="DC", month_only="last") == DatePolicy(
        RollPolicy.FOLLOWING, "US", "DC", "last"
    )


def test_policy_for_names_a_bad_value() -> None:
    with pytest.raises(ConfigError, match=r"roll policy for 'rule' must be one of .*not 'forward'"):
        policy_for("rule", {"rule": "forward"})
    with pytest.raises(ConfigError, match="month_only"):
        policy_for("rule", {}, month_only="middle")


def test_an_unknown_holiday_calendar_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="unknown holiday calendar 'XX'"):
        is_business_day(d("2026-06-03"), DatePolicy(holiday_country="XX"))


def test_holiday_calendars_are_cached_per_year() -> None:
    is_business_day(d("2026-06-03"), NONE)
    before = dates._holiday_names.cache_info()
    for day in range(1, 29):
        is_business_day(d(f"2026-02-{day:02d}"), NONE)
    after_ = dates._holiday_names.cache_info()
    assert after_.misses == before.misses
    assert after_.hits >= before.hits + 20


def test_other_countries_have_their_own_holidays() -> None:
    boxing_day = d("2025-12-26")
    assert is_business_day(boxing_day, NONE)
    assert not is_business_day(boxing_day, DatePolicy(holiday_country="GB"))
