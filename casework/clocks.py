"""Selectors: the state history of applications and their open SLA clocks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from applications.models import Application
from policies.calendar import BusinessCalendar

from .policy import sla_targets
from .sla import CLOCK_OF_STATE, Clock, Colour, elapsed_business_days

COLOUR_ORDER = {Colour.RED: 0, Colour.AMBER: 1, Colour.GREEN: 2}


@dataclass(frozen=True)
class OpenCase:
    application: Application
    clock: Clock


def history_of(application: Application) -> list[tuple[str, datetime.datetime]]:
    """(state, entered_at) from the audit rows that changed the state (prefetched if possible)."""
    entries = getattr(application, "state_entries", None)
    if entries is None:
        entries = application.audit_entries.exclude(to_state="").order_by("at", "id")
    return [(entry.to_state, entry.at) for entry in entries]


def state_histories(applications) -> dict[int, list[tuple[str, datetime.datetime]]]:
    """{application id: [(state, entered_at), ...]} of `applications` (ids or a queryset) in one
    query, as plain tuples: the clocks read nothing else (no model rows to build)."""
    from applications.models import AuditEntry

    histories: dict[int, list[tuple[str, datetime.datetime]]] = {}
    rows = (
        AuditEntry.objects.filter(application__in=applications)
        .exclude(to_state="")
        .order_by("at", "id")
        .values_list("application_id", "to_state", "at")
    )
    for application_id, state, at in rows:
        histories.setdefault(application_id, []).append((state, at))
    return histories


def open_cases(*, now: datetime.datetime | None = None, calendar=None) -> list[OpenCase]:
    """Every application whose staff (or supplement) clock runs, red first, then by elapsed."""
    now = now or timezone.now()
    calendar = calendar or BusinessCalendar.current()
    targets, amber = sla_targets(timezone.localdate(now))
    waiting = Application.objects.filter(state__in=list(CLOCK_OF_STATE))
    histories = state_histories(waiting.values("pk"))
    cases = []
    for application in waiting.select_related("institution"):
        clock = elapsed_business_days(
            histories.get(application.pk, []),
            calendar,
            now=now,
            targets=targets,
            amber_ratio=amber,
        )
        if clock is not None:
            cases.append(OpenCase(application=application, clock=clock))
    cases += _bank_negotiation_cases(now, calendar, targets, amber)
    cases.sort(key=lambda c: (COLOUR_ORDER[c.clock.colour], -c.clock.elapsed, c.application.pk))
    return cases


def _bank_negotiation_cases(now, calendar, targets, amber) -> list[OpenCase]:
    """DOMAIN §6.3: from the centre's notice until the window closes, while a bank still
    negotiates — a clock that runs beside the contract step's."""
    from contracts.models import BankNegotiation, GuaranteeArrangement

    arrangements = (
        GuaranteeArrangement.objects.filter(
            notice_on__isnull=False,
            window_closed_at=None,
            negotiations__status=BankNegotiation.Status.NEGOTIATING,
        )
        .distinct()
        .select_related("contract__application__institution")
    )
    cases = []
    for arrangement in arrangements:
        clock = elapsed_business_days(
            [("bank_negotiation", arrangement.notice_on)],
            calendar,
            now=now,
            targets=targets,
            amber_ratio=amber,
        )
        cases.append(OpenCase(application=arrangement.contract.application, clock=clock))
    return cases


def clock_of(application: Application, *, now=None, calendar=None) -> Clock | None:
    now = now or timezone.now()
    targets, amber = sla_targets(timezone.localdate(now))
    return elapsed_business_days(
        history_of(application),
        calendar or BusinessCalendar.current(),
        now=now,
        targets=targets,
        amber_ratio=amber,
    )
