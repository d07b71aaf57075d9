"""DOMAIN §2 step 3 and §7 — the security check (보안점검).

Two checks per application, each by a designated agency: ① the applicant applies (agency, agreed
dates, deliverables); ② the agency performs it and records the result with its findings; ③ the centre
reviews, asks for remediation of deficient items (미흡 항목) round after round, and accepts. When both
checks are accepted, staff run `pass_security_check`, whose condition checks exactly that.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.audit import log_action
from applications.models import Application, State
from applications.models.application import can_advance, is_editing_member
from notifications.events import queue_event
from openbanking_portal.errors import NotAllowed, PortalError

from .models import (
    UNDER_CENTRE_REVIEW,
    Agency,
    AgencyMembership,
    CheckDocument,
    CheckKind,
    CheckStatus,
    DocumentKind,
    Finding,
    Remediation,
    SecurityCheck,
    Severity,
    validate_upload_size,
)
from .notifications import queue_review_email


class SecurityCheckError(PortalError):
    code = "security_check_refused"


def is_agency_member(check: SecurityCheck, user) -> bool:
    return bool(
        user.is_authenticated
        and AgencyMembership.objects.filter(user=user, agency_id=check.agency_id).exists()
    )


def _require_applicant(application: Application, by) -> None:
    if not is_editing_member(application, by):
        raise NotAllowed(_("이 기관의 작성 권한이 없습니다."))


def _require_staff(check: SecurityCheck, by) -> None:
    if not can_advance(check.application, by):
        raise NotAllowed(_("보안점검 검토 권한이 없습니다."))


def _require_performer(check: SecurityCheck, by) -> None:
    """Results are entered by the assigned agency's users, or by staff on their behalf (DOMAIN §1)."""
    if not (is_agency_member(check, by) or can_advance(check.application, by)):
        raise NotAllowed(_("이 보안점검에 배정된 점검기관이 아닙니다."))


def _locked(check: SecurityCheck) -> SecurityCheck:
    return (
        SecurityCheck.objects.select_for_update()
        .select_related("application__institution", "agency")
        .get(pk=check.pk)
    )


def _audit(check: SecurityCheck, action: str, by, *, reason: str = "", from_status="", **data):
    return log_action(
        action=action,
        actor=by,
        application=check.application,
        reason=reason,
        data={
            "check": check.pk,
            "kind": check.kind,
            "kind_label": str(check.get_kind_display()),
            **({"from": from_status, "to": check.status} if from_status else {}),
            **data,
        },
    )


def _store(check: SecurityCheck, kind: str, file, by) -> CheckDocument:
    validate_upload_size(file)
    return CheckDocument.objects.create(
        check_record=check,
        kind=kind,
        file=file,
        original_name=(file.name or "file")[:255],
        size=file.size,
        uploaded_by=by,
    )


def apply_for_check(
    *,
    application: Application,
    by,
    kind: str,
    agency: Agency,
    agreed_start: datetime.date,
    agreed_end: datetime.date,
    deliverables: list,
) -> SecurityCheck:
    """① The applicant applies: the agency, the dates agreed with it, and the deliverables."""
    _require_applicant(application, by)
    if kind not in CheckKind.values:
        raise SecurityCheckError(_("알 수 없는 점검 종류입니다."))
    if not agency.is_active:
        raise SecurityCheckError(_("지정되지 않은 보안점검기관입니다."), field="agency")
    if agreed_end < agreed_start:
        raise SecurityCheckError(_("종료일이 시작일보다 빠릅니다."), field="agreed_end")
    if not deliverables:
        raise SecurityCheckError(_("산출물을 하나 이상 올려 주세요."), field="deliverables")
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=application.pk)
        if app.state != State.SECURITY_CHECK:
            raise SecurityCheckError(_("보안점검 단계에서만 신청할 수 있습니다."))
        if SecurityCheck.objects.filter(application=app, kind=kind).exists():
            raise SecurityCheckError(_("이미 신청한 점검입니다."))
        check = SecurityCheck.objects.create(
            application=app,
            kind=kind,
            agency=agency,
            agreed_start=agreed_start,
            agreed_end=agreed_end,
            applied_by=by,
        )
        for file in deliverables:
            _store(check, DocumentKind.DELIVERABLE, file, by)
        queue_event(_audit(check, "security_check.applied", by, agency=agency.name))
    return check


def start_check(*, check: SecurityCheck, by) -> SecurityCheck:
    """② The agency starts the check."""
    _require_performer(check, by)
    with transaction.atomic():
        locked = _locked(check)
        if locked.status != CheckStatus.APPLIED:
            raise SecurityCheckError(_("이미 시작된 점검입니다."))
        locked.start()
        locked.save()
        _audit(locked, "security_check.started", by, from_status=CheckStatus.APPLIED)
    return locked


def add_finding(
    *,
    check: SecurityCheck,
    by,
    title: str,
    severity: str,
    deficient: bool,
    description: str = "",
) -> Finding:
    """② One item of the result, while the check is being performed."""
    _require_performer(check, by)
    if severity not in Severity.values:
        raise SecurityCheckError(_("위험도를 고르세요."), field="severity")
    if not title.strip():
        raise SecurityCheckError(_("점검 항목을 적어 주세요."), field="title")
    with transaction.atomic():
        locked = _locked(check)
        if locked.status != CheckStatus.IN_PROGRESS:
            raise SecurityCheckError(_("점검 수행 중에만 결과 항목을 등록할 수 있습니다."))
        finding = Finding.objects.create(
            check_record=locked,
            title=title.strip(),
            description=description.strip(),
            severity=severity,
            deficient=deficient,
            created_by=by,
        )
        _audit(
            locked,
            "security_check.finding_added",
            by,
            finding=finding.pk,
            severity=severity,
            deficient=deficient,
        )
    return finding


def submit_result(
    *, check: SecurityCheck, by, summary: str, report=None, valid_until=None
) -> SecurityCheck:
    """② The agency hands the result (summary, report, findings) to the centre."""
    _require_performer(check, by)
    if not summary.strip():
        raise SecurityCheckError(_("점검 결과 요약을 적어 주세요."), field="summary")
    with transaction.atomic():
        locked = _locked(check)
        if locked.status != CheckStatus.IN_PROGRESS:
            raise SecurityCheckError(_("점검 수행 중에만 결과를 제출할 수 있습니다."))
        if report is not None:
            _store(locked, DocumentKind.RESULT_REPORT, report, by)
        locked.result_summary = summary.strip()
        if valid_until is not None:
            locked.valid_until = valid_until
        locked.submit_result()
        locked.save()
        _audit(
            locked,
            "security_check.result_submitted",
            by,
            from_status=CheckStatus.IN_PROGRESS,
            findings=locked.findings.count(),
            deficient=locked.findings.filter(deficient=True).count(),
        )
    return locked


def request_remediation(*, check: SecurityCheck, by, reason: str = "") -> SecurityCheck:
    """③ The centre sends the deficient items still open back to the applicant (next round)."""
    _require_staff(check, by)
    with transaction.atomic():
        locked = _locked(check)
        if locked.status not in UNDER_CENTRE_REVIEW:
            raise SecurityCheckError(_("센터 검토 중인 점검만 조치를 요청할 수 있습니다."))
        open_findings = [f for f in locked.findings.all() if f.needs_remediation]
        if not open_findings:
            raise SecurityCheckError(_("조치할 미흡 항목이 없습니다. 검토 완료 처리하세요."))
        from_status = locked.status
        locked.request_remediation()
        locked.save()
        entry = _audit(
            locked,
            "security_check.remediation_requested",
            by,
            reason=reason.strip(),
            from_status=from_status,
            round=locked.remediation_round,
            findings=[
                {"id": f.pk, "title": f.title, "severity": str(f.get_severity_display())}
                for f in open_findings
            ],
        )
        queue_review_email(entry)
    return locked


def submit_remediation(
    *, check: SecurityCheck, by, notes: dict[int, str], evidence: list | None = None
) -> SecurityCheck:
    """The applicant answers every open deficient item of the current round."""
    _require_applicant(check.application, by)
    with transaction.atomic():
        locked = _locked(check)
        if locked.status != CheckStatus.REMEDIATION_REQUESTED:
            raise SecurityCheckError(_("조치 요청을 받은 점검이 아닙니다."))
        open_findings = [f for f in locked.findings.all() if f.needs_remediation]
        missing = [f.title for f in open_findings if not (notes.get(f.pk) or "").strip()]
        if missing:
            raise SecurityCheckError(
                _("모든 미흡 항목의 조치 내용을 적어 주세요: %s") % ", ".join(missing),
                field="notes",
            )
        for finding in open_findings:
            Remediation.objects.create(
                finding=finding,
                round=locked.remediation_round,
                note=notes[finding.pk].strip(),
                submitted_by=by,
            )
            _audit(
                locked,
                "security_check.finding_remediated",
                by,
                reason=notes[finding.pk].strip(),
                finding=finding.pk,
                round=locked.remediation_round,
            )
        for file in evidence or []:
            _store(locked, DocumentKind.REMEDIATION, file, by)
        locked.submit_remediation()
        locked.save()
        _audit(
            locked,
            "security_check.remediation_submitted",
            by,
            from_status=CheckStatus.REMEDIATION_REQUESTED,
            round=locked.remediation_round,
        )
    return locked


def accept_check(*, check: SecurityCheck, by, reason: str = "") -> SecurityCheck:
    """③ The centre accepts the result: every deficient item has been remediated this round."""
    _require_staff(check, by)
    with transaction.atomic():
        locked = _locked(check)
        if locked.status not in UNDER_CENTRE_REVIEW:
            raise SecurityCheckError(_("센터 검토 중인 점검만 검토 완료할 수 있습니다."))
        open_findings = [f for f in locked.findings.all() if f.needs_remediation]
        answered = set(
            Remediation.objects.filter(
                finding__in=open_findings, round=locked.remediation_round
            ).values_list("finding_id", flat=True)
        )
        unanswered = [f.title for f in open_findings if f.pk not in answered]
        if unanswered:
            raise SecurityCheckError(
                _("조치되지 않은 미흡 항목이 있습니다: %s") % ", ".join(unanswered)
            )
        now = timezone.now()
        Finding.objects.filter(pk__in=[f.pk for f in open_findings]).update(resolved_at=now)
        from_status = locked.status
        locked.accept()
        locked.accepted_by = by
        locked.save()
        entry = _audit(
            locked,
            "security_check.check_accepted",
            by,
            reason=reason.strip(),
            from_status=from_status,
            resolved=[f.pk for f in open_findings],
        )
        queue_review_email(entry)
    return locked
