"""Properties of the due-date engine that hold for every anchor, period and policy."""

from __future__ import annotations

import ast
import datetime as dt
import inspect

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import dates
from tracker.dates import add_business_days, is_business_day, occurrences, resolve, roll
from tracker.model import Anchor, AnchorKind, DatePolicy, DeadlineExpr, Period, RollPolicy, Unit

# A holiday calendar is built on the first use of each year, which may outlast hypothesis's deadline.
calendar_settings = settings(deadline=None)

MAX_AMOUNT = {
    Unit.DAYS: 4000,
    Unit.WEEKS: 600,
    Unit.MONTHS: 240,
    Unit.YEARS: 40,
    Unit.BUSINESS_DAYS: 600,
    Unit.HOURS: 20_000,
}
ROLLING = [RollPolicy.FOLLOWING, RollPolicy.PRECEDING, RollPolicy.MODIFIED_FOLLOWING]

days = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2150, 12, 31))
units = st.sampled_from(list(Unit))
policies = st.builds(
    DatePolicy,
    roll=st.sampled_from(list(RollPolicy)),
    holiday_country=st.sampled_from(["US", "GB", "CA"]),
)


@st.composite
def periods(draw: st.DrawFn, sign: int = 1) -> Period:
    unit = draw(units)
    return Period(sign * draw(st.integers(0, MAX_AMOUNT[unit])), unit)


def due(anchor: dt.date, period: Period, policy: DatePolicy = DatePolicy(), window: bool = False) -> dt.date:
    result = resolve(DeadlineExpr("test", period, window=window), Anchor(AnchorKind.ISSUED, anchor), policy)
    assert result.date is not None
    return result.date


@calendar_settings
@given(days, periods(), st.sampled_from([RollPolicy.NONE, RollPolicy.FOLLOWING]))
def test_a_positive_period_never_ends_before_its_anchor(
    anchor: dt.date, period: Period, policy: RollPolicy
) -> None:
    assert due(anchor, period, DatePolicy(roll=policy)) >= anchor


@calendar_settings
@given(days, periods(sign=-1))
def test_a_negative_period_never_ends_after_its_anchor(anchor: dt.date, period: Period) -> None:
    assert due(anchor, period) <= anchor


@calendar_settings
@given(
    days,
    st.sampled_from([Unit.DAYS, Unit.WEEKS, Unit.MONTHS, Unit.YEARS, Unit.BUSINESS_DAYS, Unit.HOURS]),
    st.integers(-200, 200),
    st.sampled_from([RollPolicy.NONE, RollPolicy.FOLLOWING, RollPolicy.PRECEDING]),
)
def test_one_more_unit_is_never_earlier(anchor: dt.date, unit: Unit, n: int, policy: RollPolicy) -> None:
    p = DatePolicy(roll=policy)
    assert due(anchor, Period(n + 1, unit), p) >= due(anchor, Period(n, unit), p)


@calendar_settings
@given(days, st.sampled_from(ROLLING), st.sampled_from(["US", "GB"]), st.sampled_from([None, "DC", "NY"]))
def test_a_rolled_date_is_a_business_day(
    d: dt.date, policy: RollPolicy, country: str, subdiv: str | None
) -> None:
    p = DatePolicy(roll=policy, holiday_country=country, holiday_subdiv=subdiv if country == "US" else None)
    rolled, step = roll(d, p)
    assert is_business_day(rolled, p)
    assert rolled.weekday() < 5
    assert (step is None) == (rolled == d)
    assert abs((rolled - d).days) < 10
    if policy == RollPolicy.MODIFIED_FOLLOWING:
        assert rolled.month == d.month


@calendar_settings
@given(days, periods(), st.sampled_from(ROLLING))
def test_a_computed_due_date_under_a_rolling_policy_is_a_business_day(
    anchor: dt.date, period: Period, policy: RollPolicy
) -> None:
    p = DatePolicy(roll=policy)
    assert is_business_day(due(anchor, period, p), p)


@calendar_settings
@given(
    days, periods(), policies, st.booleans(), st.sampled_from([None, "FREQ=DAILY;INTERVAL=90", "FREQ=YEARLY"])
)
def test_resolve_is_deterministic(
    anchor: dt.date, period: Period, policy: DatePolicy, window: bool, rrule: str | None
) -> None:
    if window and period.amount == 0:
        period = Period(1, period.unit)
    expr = DeadlineExpr("test", period, window=window, recurrence=rrule)
    first = resolve(expr, Anchor(AnchorKind.ENACTED, anchor, "the date of enactment"), policy)
    dates._holiday_names.cache_clear()
    again = resolve(expr, Anchor(AnchorKind.ENACTED, anchor, "the date of enactment"), policy)
    assert first == again


@calendar_settings
@given(days, periods())
def test_the_explanation_names_the_anchor_date_and_the_due_date(anchor: dt.date, period: Period) -> None:
    result = resolve(DeadlineExpr("test", period), Anchor(AnchorKind.ISSUED, anchor))
    assert result.steps[0].kind == "anchor"
    assert anchor.isoformat() in result.steps[0].text
    assert result.steps[1].kind == "period"
    assert result.steps[1].data["amount"] == period.amount
    assert str(result.date) in result.steps[1].text


@calendar_settings
@given(days, st.sampled_from([Unit.DAYS, Unit.WEEKS, Unit.MONTHS, Unit.YEARS]), st.integers(1, 300))
def test_a_window_ends_one_day_before_the_period_does(anchor: dt.date, unit: Unit, n: int) -> None:
    period = Period(min(n, MAX_AMOUNT[unit]), unit)
    last = due(anchor, period, window=True)
    assert anchor <= last == due(anchor, period) - dt.timedelta(days=1)


@calendar_settings
@given(days.filter(lambda d: is_business_day(d, DatePolicy())), st.integers(-300, 300))
def test_business_days_count_back_to_where_they_started(start: dt.date, n: int) -> None:
    policy = DatePolicy()
    end = add_business_days(start, n, policy)
    assert is_business_day(end, policy)
    assert add_business_days(end, -n, policy) == start


@calendar_settings
@given(
    days,
    st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
    st.integers(1, 12),
    st.one_of(st.none(), st.integers(1, 10)),
    st.one_of(st.none(), days),
    st.integers(0, 8),
)
def test_occurrences_are_increasing_and_after_the_start(
    first: dt.date, freq: str, interval: int, total: int | None, after: dt.date | None, count: int
) -> None:
    rule = f"FREQ={freq};INTERVAL={interval}" + (f";COUNT={total}" if total else "")
    found = occurrences(first, rule, count, after=after)
    assert len(found) <= count
    assert found == sorted(set(found))
    assert all(d >= first for d in found)
    if after is not None:
        assert all(d > after for d in found)
    elif count:
        assert found[0] == first
    if total is not None:
        assert len(found) <= total


def test_the_engine_never_reads_the_clock() -> None:
    tree = ast.parse(inspect.getsource(dates))
    clock = {"today", "now", "utcnow", "time_ns", "monotonic", "perf_counter"}
    names = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    names |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert not names & clock
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not (imported | modules) & {"time", "today", "now", "sqlalchemy", "sqlmodel", "typer", "rich"}
