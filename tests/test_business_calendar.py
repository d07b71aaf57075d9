"""Korean business days: weekends, public holidays (incl. lunar ones) and staff adjustments."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policies.calendar import BusinessCalendar
from policies.models import PolicyVersion

D = datetime.date
cal = BusinessCalendar()


@pytest.mark.parametrize(
    "start,days,expected",
    [
        (D(2026, 11, 25), 2, D(2026, 11, 27)),  # Wed → Fri
        (D(2026, 11, 26), 2, D(2026, 11, 30)),  # Thu → Mon over the weekend
        (D(2026, 9, 23), 2, D(2026, 9, 29)),  # Chuseok 24-26 Sep and the weekend
        (D(2026, 2, 13), 1, D(2026, 2, 19)),  # Fri before Seollal 16-18 Feb
        (D(2026, 12, 24), 1, D(2026, 12, 28)),  # Christmas Friday
    ],
)
def test_add_business_days(start, days, expected):
    assert cal.add_business_days(start, days) == expected


def test_business_days_between_counts_only_working_days():
    assert cal.business_days_between(D(2026, 9, 23), D(2026, 9, 30)) == 3  # 28, 29, 30
    assert cal.business_days_between(D(2026, 11, 20), D(2026, 11, 27)) == 5


@pytest.mark.django_db
def test_staff_declared_temporary_holiday_is_honoured():
    PolicyVersion.objects.create(
        kind="calendar", effective_from=D(2026, 1, 1), data={"extra_holidays": ["2026-11-27"]}
    )
    assert BusinessCalendar.current().add_business_days(D(2026, 11, 25), 2) == D(2026, 11, 30)


@given(
    st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)),
    st.integers(min_value=0, max_value=30),
)
def test_adding_then_counting_round_trips(start, n):
    end = cal.add_business_days(start, n)
    assert cal.business_days_between(start, end) == n
    assert n == 0 or cal.is_business_day(end)


def counted_day_by_day(calendar: BusinessCalendar, start: datetime.date, end: datetime.date) -> int:
    """The definition: each day in (start, end] that is a business day."""
    days = (end - start).days
    return sum(
        calendar.is_business_day(start + datetime.timedelta(days=k)) for k in range(1, days + 1)
    )


adjustments = st.frozensets(
    st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31)), max_size=8
)


@given(
    st.dates(min_value=D(2023, 6, 1), max_value=D(2028, 6, 30)),
    st.integers(min_value=-5, max_value=900),
    adjustments,
    adjustments,
)
def test_counting_business_days_agrees_with_going_day_by_day(start, length, holidays, working):
    """Weekends, public holidays (lunar ones too), staff-declared holidays and working days (one
    day both ways: the working day wins), over ranges across years and backwards."""
    calendar = BusinessCalendar(extra_holidays=holidays, extra_working_days=working)
    end = start + datetime.timedelta(days=length)
    expected = counted_day_by_day(calendar, start, end) if length > 0 else 0
    assert calendar.business_days_between(start, end) == expected
