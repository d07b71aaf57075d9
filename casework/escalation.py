"""Issue 10 item 1 — a breached SLA escalates to the step's team lead, once per breach."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.audit import log_action

from .clocks import open_cases
from .models import TEAM_LEAD_GROUPS, Escalation, SlaStep
from .sla import Colour


def escalate_breaches(*, now: datetime.datetime | None = None, calendar=None) -> list[Escalation]:
    """Record an Escalation for every red clock not yet escalated and notify its team lead after
    commit. Safe to run twice: the unique (application, step, started_on) makes it once per breach."""
    from .tasks import notify_team_lead

    created = []
    for case in open_cases(now=now, calendar=calendar):
        clock = case.clock
        if not clock.breached:
            continue
        try:
            with transaction.atomic():
                escalation = Escalation.objects.create(
                    application=case.application,
                    step=clock.step,
                    started_on=clock.started_on,
                    elapsed_days=clock.elapsed,
                    target_days=clock.target,
                )
                log_action(
                    action="sla.escalated",
                    application=case.application,
                    data={
                        "step": clock.step,
                        "elapsed": clock.elapsed,
                        "target": clock.target,
                        "escalation": escalation.pk,
                    },
                )
                transaction.on_commit(
                    lambda pk=escalation.pk: notify_team_lead.delay(escalation_id=pk)
                )
        except IntegrityError:
            continue  # already escalated for this stretch
        created.append(escalation)
    return created


def team_leads(step: str) -> list:
    return list(
        get_user_model()
        .objects.filter(groups__name=TEAM_LEAD_GROUPS[step], is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("email")
    )


def notify_team_lead(*, escalation_id: int) -> int:
    """Notify the team lead once, in the portal and by e-mail, with a link to the case's admin page
    (compare-and-swap on notified_at; the broker may deliver twice)."""
    escalation = Escalation.objects.select_related("application__institution").get(pk=escalation_id)
    if escalation.notified_at is not None:
        return 0
    recipients = team_leads(escalation.step)
    claimed = Escalation.objects.filter(pk=escalation_id, notified_at=None).update(
        notified_at=timezone.now()
    )
    if not claimed or not recipients:
        return 0
    return _tell_team_leads(
        recipients,
        escalation.application,
        step=escalation.step,
        target=escalation.target_days,
        elapsed=escalation.elapsed_days,
        subject=lambda: _("[SLA 초과] %(institution)s — %(step)s"),
        body=lambda: _(
            "%(institution)s의 이용신청(%(pk)s)이 %(step)s 단계에서 목표 %(target)s영업일을 넘겨 "
            "%(elapsed)s영업일째입니다. 관리자 화면의 SLA 현황에서 확인하세요."
        ),
        key=f"escalation:{escalation.pk}",
    )


def _tell_team_leads(recipients, application, *, step, target, elapsed, subject, body, key) -> int:
    """A notice about one case's SLA clock to the step's team leads, linking to the case's admin
    page. `subject` and `body` give the (translated) templates, filled in each lead's language."""
    from notifications.models import Category
    from notifications.services import notify

    values = {
        "institution": application.institution.name,
        "pk": application.pk,
        "step": SlaStep(step).label,
        "target": target,
        "elapsed": elapsed,
    }
    return notify(
        recipients,
        category=Category.SLA,
        subject=lambda: subject() % values,
        body=lambda: body() % values,
        link=reverse("admin:applications_application_change", args=[application.pk]),
        application=application,
        key=key,
    )


def warn_amber_clocks(*, now: datetime.datetime | None = None, calendar=None) -> int:
    """Tell the step's team lead once per stretch when a clock turns amber (near its target), so
    the case can be picked up before it breaches. Returns the number of cases warned about."""
    warned = 0
    for case in open_cases(now=now, calendar=calendar):
        clock, application = case.clock, case.application
        if clock.colour != Colour.AMBER:
            continue
        if clock.step == SlaStep.SUPPLEMENT:
            remind_supplement_due(application, clock)
        recipients = team_leads(clock.step)
        if not recipients:
            continue
        _tell_team_leads(
            recipients,
            application,
            step=clock.step,
            target=clock.target,
            elapsed=clock.elapsed,
            subject=lambda: _("[SLA 임박] %(institution)s — %(step)s"),
            body=lambda: _(
                "%(institution)s의 이용신청(%(pk)s)이 %(step)s 단계에서 %(elapsed)s영업일째로, "
                "목표 %(target)s영업일에 가까워졌습니다."
            ),
            key=f"sla-amber:{application.pk}:{clock.step}:{clock.started_on.isoformat()}",
        )
        warned += 1
    return warned


def remind_supplement_due(application, clock) -> int:
    """The applicant's own clock: tell the institution's members that the supplement is due soon,
    with the application page to answer from (once per supplement request)."""
    from notifications.models import Category
    from notifications.services import institution_recipients, notify

    values = {
        "reference": application.reference,
        "left": max(clock.target - clock.elapsed, 0),
    }
    return notify(
        institution_recipients(application.institution),
        category=Category.REVIEW_REQUEST,
        subject=lambda: _("[오픈뱅킹센터] 보완 제출 기한 임박 (%(reference)s)") % values,
        body=lambda: (
            _(
                "이용신청 %(reference)s의 보완 제출 기한이 %(left)s영업일 남았습니다. 기한 안에 "
                "요청받은 항목을 보완해 다시 제출하세요."
            )
            % values
        ),
        link=reverse("application_detail", args=[application.pk]),
        application=application,
        key=f"supplement-due:{application.pk}:{clock.started_on.isoformat()}",
    )
