"""Issue 10 item 5 — monitoring → proposed action, confirmed by staff; all audited.

`run_monitoring` gathers a day's facts of every live institution (usage, testbed errors, arrears),
evaluates the rules in force and records a MonitoringWarning once per institution, rule and day.
Staff confirm or dismiss; confirming a suspension proposal opens a §9 SanctionCase (which staff
confirm again in operations) rather than suspending directly.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import staff_may
from applications.audit import log_action
from applications.models import Application
from applications.models.application import State
from openbanking_portal.errors import NotAllowed, PortalError
from operations.models import DailyUsage, Invoice, SanctionCase, SanctionTrigger
from operations.sanctions import open_case
from testbed.models import TestbedCall

from .models import MonitoringWarning, ProposedAction
from .policy import monitoring_rules
from .rules import Facts, evaluate

PERMISSION = "casework.decide_monitoringwarning"


def gather_facts(*, day: datetime.date) -> list[tuple[Application, Facts]]:
    """One Facts per live institution for `day` — a fixed number of queries."""
    live = list(
        Application.objects.filter(state=State.LIVE).select_related("institution", "contract")
    )
    ids = [a.institution_id for a in live]
    withdrawals = dict(
        DailyUsage.objects.filter(institution_id__in=ids, day=day, api="withdraw")
        .values_list("institution_id")
        .annotate(total=Sum("amount_krw"))
    )
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    calls = {
        row["institution_id"]: row
        for row in TestbedCall.objects.filter(
            institution_id__in=ids, at__gte=start, at__lt=start + datetime.timedelta(days=1)
        )
        .values("institution_id")
        .annotate(calls=Count("id"), errors=Count("id", filter=~Q(rsp_code="A0000")))
    }
    arrears = {
        row["institution_id"]: row
        for row in Invoice.objects.overdue(day)
        .filter(institution_id__in=ids)
        .values("institution_id")
        .annotate(n=Count("id"), total=Sum("total_krw"), paid=Sum("paid_krw"))
    }
    out = []
    for application in live:
        pk = application.institution_id
        contract = getattr(application, "contract", None)
        call_row = calls.get(pk, {})
        arrears_row = arrears.get(pk, {})
        out.append(
            (
                application,
                Facts(
                    institution_id=pk,
                    day=day,
                    withdraw_amount_krw=int(withdrawals.get(pk) or 0),
                    daily_withdrawal_limit_krw=contract.daily_withdrawal_limit_krw
                    if contract
                    else None,
                    calls=call_row.get("calls", 0),
                    errors=call_row.get("errors", 0),
                    overdue_invoices=arrears_row.get("n", 0),
                    overdue_krw=int(
                        (arrears_row.get("total") or 0) - (arrears_row.get("paid") or 0)
                    ),
                ),
            )
        )
    return out


def run_monitoring(*, day: datetime.date | None = None) -> list[MonitoringWarning]:
    """Evaluate the rules in force on `day` (default: yesterday); returns the new warnings."""
    day = day or timezone.localdate() - datetime.timedelta(days=1)
    rules = monitoring_rules(day)
    created = []
    for application, facts in gather_facts(day=day):
        for finding in evaluate(rules, facts):
            data = {**finding.data, "trigger": finding.trigger} if finding.trigger else finding.data
            try:
                with transaction.atomic():
                    warning = MonitoringWarning.objects.create(
                        institution_id=facts.institution_id,
                        application=application,
                        day=day,
                        rule_code=finding.rule_code,
                        proposed_action=finding.action,
                        data=data,
                    )
                    log_action(
                        action="monitoring.warning_raised",
                        application=application,
                        data={
                            "rule": finding.rule_code,
                            "action": finding.action,
                            "warning": warning.pk,
                            **finding.data,
                        },
                    )
            except IntegrityError:
                continue  # already raised today
            created.append(warning)
    if created:
        from .tasks import notify_staff_of_warnings

        ids = [w.pk for w in created]
        transaction.on_commit(lambda: notify_staff_of_warnings.delay(ids))
    return created


def notify_staff_of_warnings(*, warning_ids: list[int]) -> int:
    """Staff who decide warnings get each new one in the portal and by e-mail, linked to its admin
    page. Safe to run twice (the warning is the notice's key)."""
    from django.urls import reverse

    from notifications.models import Category
    from notifications.services import notify, staff_with_permission

    staff = staff_with_permission(PERMISSION)
    sent = 0
    for warning in MonitoringWarning.objects.filter(pk__in=warning_ids).select_related(
        "institution", "application"
    ):
        values = {
            "institution": warning.institution.name,
            "label": warning.data.get("label") or warning.rule_code,
            "day": warning.day,
        }
        sent += notify(
            staff,
            category=Category.MONITORING_WARNING,
            subject=lambda v=values: _("[모니터링 경고] %(institution)s — %(label)s") % v,
            body=lambda v=values, w=warning: (
                _(
                    "%(day)s 기준 %(institution)s에 대해 모니터링 규칙이 발동했습니다: %(label)s. "
                    "제안 조치: %(action)s. 확정하거나 기각하세요."
                )
                % {**v, "action": w.get_proposed_action_display()}
            ),
            link=reverse("admin:casework_monitoringwarning_change", args=[warning.pk]),
            application=warning.application,
            institution=warning.institution,
            key=f"monitoring_warning_raised:{warning.pk}",
        )
    return sent


def _check(by) -> None:
    if not staff_may(by, PERMISSION):
        raise NotAllowed(_("모니터링 경고를 처리할 권한이 없습니다."))


def _claim(warning: MonitoringWarning, status: str, by, reason: str) -> MonitoringWarning:
    changed = MonitoringWarning.objects.filter(
        pk=warning.pk, status=MonitoringWarning.Status.OPEN
    ).update(status=status, decided_by=by, decided_at=timezone.now(), decision_reason=reason)
    if changed != 1:
        raise PortalError(_("이미 처리된 경고입니다."))
    warning.refresh_from_db()
    return warning


def confirm_warning(*, warning: MonitoringWarning, by, reason: str = "") -> MonitoringWarning:
    """Staff confirm the proposed action; a suspension proposal becomes a §9 case to confirm."""
    _check(by)
    reason = (reason or "").strip()
    with transaction.atomic():
        warning = _claim(warning, MonitoringWarning.Status.CONFIRMED, by, reason)
        if warning.proposed_action == ProposedAction.SUSPENSION_PROPOSAL:
            trigger = warning.data.get("trigger") or SanctionTrigger.BANK_REQUEST_OR_BREACH
            evidence = _("모니터링 규칙 %(rule)s (%(day)s): %(data)s") % {
                "rule": warning.rule_code,
                "day": warning.day.isoformat(),
                "data": warning.data,
            }
            case = open_case(
                application=warning.application, trigger=trigger, evidence=evidence, by=by
            )
            SanctionCase.objects.filter(pk=case.pk).update(
                proposed_by_system=True, evidence_data=warning.data
            )
            warning.sanction_case = case
            warning.save(update_fields=["sanction_case"])
        elif warning.proposed_action == ProposedAction.NOTICE:
            from .tasks import send_warning_notice

            transaction.on_commit(lambda pk=warning.pk: send_warning_notice.delay(warning_id=pk))
        log_action(
            action="monitoring.warning_confirmed",
            actor=by,
            application=warning.application,
            reason=reason,
            data={
                "rule": warning.rule_code,
                "action": warning.proposed_action,
                "warning": warning.pk,
                "sanction_case": warning.sanction_case_id,
            },
        )
    return warning


def dismiss_warning(*, warning: MonitoringWarning, by, reason: str) -> MonitoringWarning:
    _check(by)
    reason = (reason or "").strip()
    if not reason:
        raise PortalError(_("기각 사유를 입력하세요."), field="reason")
    with transaction.atomic():
        warning = _claim(warning, MonitoringWarning.Status.DISMISSED, by, reason)
        log_action(
            action="monitoring.warning_dismissed",
            actor=by,
            application=warning.application,
            reason=reason,
            data={"rule": warning.rule_code, "warning": warning.pk},
        )
    return warning


def send_warning_notice(*, warning_id: int) -> int:
    """Notify the institution of the confirmed notice, once (compare-and-swap on notice_sent_at);
    a formal notice, so it is e-mailed whatever the members' preferences."""
    from django.urls import reverse

    from notifications.models import Category
    from notifications.services import institution_recipients, notify

    warning = MonitoringWarning.objects.select_related("institution", "application").get(
        pk=warning_id
    )
    claimed = MonitoringWarning.objects.filter(pk=warning_id, notice_sent_at=None).update(
        notice_sent_at=timezone.now()
    )
    if not claimed:
        return 0
    values = {
        "institution": warning.institution.name,
        "day": warning.day,
        "label": warning.data.get("label") or warning.rule_code,
        "reason": warning.decision_reason,
    }
    return notify(
        institution_recipients(warning.institution),
        category=Category.MONITORING,
        subject=lambda: _("[오픈뱅킹] 이용 관련 주의 안내 (%(day)s)") % values,
        body=lambda: (
            _(
                "%(institution)s 귀중\n\n%(day)s 기준 모니터링 결과 다음 사항이 확인되어 "
                "안내드립니다: %(label)s.\n%(reason)s\n\n오픈뱅킹 공동업무 센터"
            )
            % values
        ),
        link=reverse("application_detail", args=[warning.application_id]),
        application=warning.application,
        institution=warning.institution,
        key=f"monitoring_warning:{warning.pk}",
        mandatory_email=True,
    )
