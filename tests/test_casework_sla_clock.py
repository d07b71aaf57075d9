"""The SLA clock's pause/resume arithmetic across weekends and Korean public holidays (issue 10)."""

import datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from casework.sla import (
    Colour,
    colour_of,
    completed_clocks,
    elapsed_business_days,
)
from policies.calendar import BusinessCalendar

KST = ZoneInfo("Asia/Seoul")
CAL = BusinessCalendar()


def at(y, m, d, hour=10):
    return datetime.datetime(y, m, d, hour, tzinfo=KST)


def test_supplement_request_pauses_the_review_clock_over_seollal():
    # Thu 12 Feb submitted; Fri 13 supplement requested; Seollal Mon 16 - Wed 18; Thu 19 resubmitted.
    history = [
        ("submitted", at(2026, 2, 12)),
        ("supplement_requested", at(2026, 2, 13)),
        ("resubmitted", at(2026, 2, 19)),
    ]
    clock = elapsed_business_days(history, CAL, now=at(2026, 2, 23))
    # Fri 13 (before the pause) + Fri 20 and Mon 23 (after it); Thu 19, the pause, is left out.
    assert clock.step == "approval"
    assert clock.elapsed == 3
    assert clock.started_on == datetime.date(2026, 2, 12)


def test_while_waiting_on_the_applicant_the_supplement_clock_runs_instead():
    history = [("submitted", at(2026, 2, 12)), ("supplement_requested", at(2026, 2, 13))]
    clock = elapsed_business_days(history, CAL, now=at(2026, 2, 20))
    assert clock.step == "supplement"
    assert clock.elapsed == 2  # Thu 19 and Fri 20: the weekend and Seollal do not count
    assert clock.target == 10


def test_functional_test_clock_skips_chuseok_and_the_weekend():
    history = [
        ("submitted", at(2026, 9, 1)),
        ("approved", at(2026, 9, 3)),
        ("functional_test", at(2026, 9, 23)),
    ]
    clock = elapsed_business_days(history, CAL, now=at(2026, 9, 29))
    assert clock.step == "functional_test"
    assert clock.elapsed == 2  # Mon 28, Tue 29 (24-25 Chuseok, 26-27 weekend)
    assert clock.started_on == datetime.date(2026, 9, 23)


def test_approved_runs_no_staff_clock():
    history = [("submitted", at(2026, 9, 1)), ("approved", at(2026, 9, 3))]
    assert elapsed_business_days(history, CAL, now=at(2026, 10, 30)) is None


def test_dates_are_korean_local_dates():
    # 20:00 UTC on Thu 12 Feb is Fri 13 in Seoul, so the clock starts on Friday.
    utc = datetime.UTC
    history = [("submitted", datetime.datetime(2026, 2, 12, 20, tzinfo=utc))]
    clock = elapsed_business_days(history, CAL, now=at(2026, 2, 19))
    assert clock.started_on == datetime.date(2026, 2, 13)
    assert clock.elapsed == 1  # Thu 19 only


def test_an_extra_holiday_from_the_calendar_policy_stops_the_clock():
    history = [("contract", at(2026, 11, 2))]
    calendar = BusinessCalendar(extra_holidays={datetime.date(2026, 11, 4)})
    assert elapsed_business_days(history, CAL, now=at(2026, 11, 6)).elapsed == 4
    assert elapsed_business_days(history, calendar, now=at(2026, 11, 6)).elapsed == 3


def test_targets_from_policy_and_colours():
    history = [("security_check", at(2026, 11, 2))]
    clock = elapsed_business_days(
        history, CAL, now=at(2026, 11, 6), targets={"security_check": 5}, amber_ratio=0.8
    )
    assert (clock.elapsed, clock.target, clock.colour) == (4, 5, Colour.AMBER)
    assert colour_of(3, 5) == Colour.GREEN
    assert colour_of(5, 5) == Colour.AMBER
    assert colour_of(6, 5) == Colour.RED


def test_completed_stretches_for_the_report():
    history = [
        ("submitted", at(2026, 2, 12)),
        ("supplement_requested", at(2026, 2, 13)),
        ("resubmitted", at(2026, 2, 19)),
        ("approved", at(2026, 2, 23)),
        ("functional_test", at(2026, 3, 3)),
    ]
    done = {(c.step, c.ended_on, c.elapsed) for c in completed_clocks(history, CAL)}
    assert done == {
        ("approval", datetime.date(2026, 2, 23), 3),
        ("supplement", datetime.date(2026, 2, 19), 1),
    }


days = st.integers(min_value=0, max_value=25)


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2027, 12, 1)),
    gaps=st.lists(days, min_size=1, max_size=7),
    tail=days,
)
def test_paused_days_are_exactly_subtracted(start, gaps, tail):
    """Elapsed = business days from submission to now − business days spent waiting on the
    applicant, whatever the weekends and holidays in between."""
    states = ["submitted"]
    for i in range(1, len(gaps)):
        states.append("supplement_requested" if i % 2 else "resubmitted")
    moments, day = [], start
    for gap in gaps:
        moments.append(datetime.datetime.combine(day, datetime.time(10), KST))
        day += datetime.timedelta(days=gap)
    now_day = day + datetime.timedelta(days=tail)
    now = datetime.datetime.combine(now_day, datetime.time(18), KST)
    history = list(zip(states, moments, strict=True))
    clock = elapsed_business_days(history, CAL, now=now)

    bounds = [m.date() for m in moments] + [now_day]
    paused = sum(
        CAL.business_days_between(bounds[i], bounds[i + 1])
        for i, state in enumerate(states)
        if state == "supplement_requested"
    )
    total = CAL.business_days_between(start, now_day)
    if states[-1] == "supplement_requested":
        assert clock.step == "supplement"
        assert clock.elapsed == CAL.business_days_between(bounds[-2], now_day)
    else:
        assert clock.step == "approval"
        assert clock.elapsed == total - paused
        assert 0 <= clock.elapsed <= (now_day - start).days


@settings(max_examples=100, deadline=None)
@given(
    start=st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2027, 12, 1)),
    length=days,
)
def test_a_pause_falling_on_non_business_days_changes_nothing(start, length):
    """Request and answer on the same day, or across only weekend/holiday days: no time lost."""
    submitted = datetime.datetime.combine(start, datetime.time(9), KST)
    now = datetime.datetime.combine(start + datetime.timedelta(days=length), datetime.time(18), KST)
    plain = elapsed_business_days([("submitted", submitted)], CAL, now=now)
    same_day = elapsed_business_days(
        [
            ("submitted", submitted),
            ("supplement_requested", submitted + datetime.timedelta(hours=1)),
            ("resubmitted", submitted + datetime.timedelta(hours=2)),
        ],
        CAL,
        now=now,
    )
    assert same_day.elapsed == plain.elapsed
