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
