"""Korean business days (DOMAIN §5: weekends and public holidays excluded).

Public holidays come from the maintained `holidays` package (KR, lunar holidays included). Staff adjust
the calendar with a `calendar` policy version — extra non-working days (a temporary public holiday
declared at short notice) and extra working days — without a code change.
"""

import datetime
from functools import lru_cache

import holidays

from .models import PolicyKind, PolicyVersion


@lru_cache(maxsize=32)
def _kr_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.KR(years=year).keys())


def calendar_adjustments(on: datetime.date | None = None) -> tuple[frozenset, frozenset]:
    try:
        data = PolicyVersion.objects.in_force(PolicyKind.CALENDAR, on).data
    except PolicyVersion.DoesNotExist:
        return frozenset(), frozenset()
    parse = datetime.date.fromisoformat
    return (
        frozenset(parse(d) for d in data.get("extra_holidays", [])),
        frozenset(parse(d) for d in data.get("extra_working_days", [])),
    )


class BusinessCalendar:
    """A pure calendar; build it once per request/task with `BusinessCalendar.current()`."""

    def __init__(self, extra_holidays=frozenset(), extra_working_days=frozenset()):
        self.extra_holidays = frozenset(extra_holidays)
        self.extra_working_days = frozenset(extra_working_days)

    @classmethod
    def current(cls) -> "BusinessCalendar":
        return cls(*calendar_adjustments())

    def is_business_day(self, day: datetime.date) -> bool:
        if day in self.extra_working_days:
            return True
        if day in self.extra_holidays:
            return False
        return day.weekday() < 5 and day not in _kr_holidays(day.year)

    def add_business_days(self, start: datetime.date, days: int) -> datetime.date:
        """The date `days` business days after `start` (DOMAIN §5: contract change effective +2)."""
        day = start
        remaining = days
        while remaining > 0:
            day += datetime.timedelta(days=1)
            if self.is_business_day(day):
                remaining -= 1
        return day

    def business_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Business days in (start, end] — the age of a case opened on `start` as seen on `end`.

        Counted without visiting each day (the SLA board runs a clock for every open case): the
        weekdays in the range, less the weekdays that are holidays, plus the weekend days that
        staff declared working days."""
        if end <= start:
            return 0
        count = _weekdays_through(end) - _weekdays_through(start)
        for day in self._exceptions(start.year, end.year):
            if start < day <= end:
                business = self.is_business_day(day)
                if business != (day.weekday() < 5):
                    count += 1 if business else -1
        return count

    def _exceptions(self, first_year: int, last_year: int) -> frozenset[datetime.date]:
        """The days whose business-day status differs from the plain weekday rule may only be
        among these: public holidays and the staff's adjustments."""
        days = set(self.extra_holidays) | set(self.extra_working_days)
        for year in range(first_year, last_year + 1):
            days |= _kr_holidays(year)
        return frozenset(days)


def _weekdays_through(day: datetime.date) -> int:
    """Monday-to-Friday days from a fixed Monday up to and including `day`."""
    days = (day - _EPOCH_MONDAY).days + 1
    weeks, rest = divmod(days, 7)
    return weeks * 5 + min(rest, 5)


_EPOCH_MONDAY = datetime.date(1900, 1, 1)  # a Monday
