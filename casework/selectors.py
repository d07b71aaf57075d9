"""Read side of the SLA escalations for the staff dashboard (issue 10 item 1): the breaches whose
clock still runs, with the days over target now and the step's team lead — a fixed number of
queries however many cases there are."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from applications.models import Application
from policies.calendar import BusinessCalendar

from .clocks import state_histories
from .models import TEAM_LEAD_GROUPS, Escalation, SlaStep
from .policy import sla_targets
from .sla import BANK_NEGOTIATION, CLOCK_OF_STATE, elapsed_business_days


@dataclass(frozen=True)
class OpenEscalation:
    escalation: Escalation
    application: Application
    step_label: str
    elapsed: int  # business days on the clock now (pauses excluded)
    target: int
    team_leads: list[str]

    @property
    def days_over(self) -> int:
        return self.elapsed - self.target


def _bank_window_open():
    """The §6.3 window the escalation was raised for is still open while a bank negotiates."""
    from contracts.models import BankNegotiation, GuaranteeArrangement

    return Exists(
        GuaranteeArrangement.objects.filter(
            contract__application=OuterRef("application"),
            notice_on=OuterRef("started_on"),
            window_closed_at=None,
            negotiations__status=BankNegotiation.Status.NEGOTIATING,
        )
    )


def _still_in_its_step() -> Q:
    """The application is now in a state whose clock is the escalation's step: only those can
    still be open (escalations of steps the case has left stay in the table for the report).
    As EXISTS on the application's key: a join made PostgreSQL hash every application."""
    states_of: dict[str, list[str]] = {}
    for state, step in CLOCK_OF_STATE.items():
        if step != BANK_NEGOTIATION:
            states_of.setdefault(step, []).append(state)
    q = Q(pk__in=[])
    for step, states in states_of.items():
        in_step = Application.objects.filter(pk=OuterRef("application_id"), state__in=states)
        q |= Q(step=step) & Exists(in_step)
    return q


def team_leads_by_step() -> dict[str, list[str]]:
    """{step: [the team lead's name or e-mail, ...]} in one query."""
    group_step = {name: step for step, name in TEAM_LEAD_GROUPS.items()}
    rows = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=list(group_step))
        .values_list("groups__name", "first_name", "last_name", "email")
        .order_by("email")
    )
    leads: dict[str, list[str]] = {}
    for group, first, last, email in rows:
        name = f"{last}{first}".strip()
        leads.setdefault(group_step[group], []).append(f"{name} <{email}>" if name else email)
    return leads


def open_escalations(
    *, now: datetime.datetime | None = None, calendar=None, limit: int | None = None
) -> list[OpenEscalation]:
    """The escalations whose clock (same step, same stretch) still runs, most days over first.

    A breach stops being open when the case moves on (its state leaves the step) or starts a new
    stretch of the step; while the case waits on the applicant the staff clock is paused, so the
    breach shows again when the applicant answers. Days are computed by the clock arithmetic of
    casework/sla.py, the same as the SLA board's."""
    now = now or timezone.now()
    calendar = calendar or BusinessCalendar.current()
    targets, amber = sla_targets(timezone.localdate(now))
    candidates = (
        Escalation.objects.alias(window_open=_bank_window_open())
        .filter(_still_in_its_step() | Q(step=BANK_NEGOTIATION, window_open=True))
        .select_related("application__institution")
        .order_by("created_at", "id")
    )
    candidates = list(candidates)
    histories = state_histories({e.application_id for e in candidates}) if candidates else {}
    running = []
    for escalation in candidates:
        if escalation.step == BANK_NEGOTIATION:
            history = [(BANK_NEGOTIATION, escalation.started_on)]
        else:
            history = histories.get(escalation.application_id, [])
        clock = elapsed_business_days(
            history, calendar, now=now, targets=targets, amber_ratio=amber
        )
        if clock is None or (clock.step, clock.started_on) != (
            escalation.step,
            escalation.started_on,
        ):
            continue  # the case moved on, or waits on the applicant
        running.append((escalation, clock))
    leads = team_leads_by_step() if running else {}
    step_labels = {step: str(label) for step, label in SlaStep.choices}  # once, not per row
    out = [
        OpenEscalation(
            escalation=escalation,
            application=escalation.application,
            step_label=step_labels[escalation.step],
            elapsed=clock.elapsed,
            target=clock.target,
            team_leads=leads.get(escalation.step, []),
        )
        for escalation, clock in running
    ]
    out.sort(key=lambda e: (-e.days_over, e.application.pk))
    return out[:limit] if limit is not None else out
