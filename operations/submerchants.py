"""DOMAIN §8 — sub-merchants (하위사업자): the gate, the self-check, screening, prior approval.

Only an institution that is a financial company or an electronic financial business may register
sub-merchants (the allowed bases come from the screening rule set in force, `sub_merchants`). Each new
sub-merchant is submitted with its business registration number and the institution's self-check
against every exclusion and excluded service; the exclusion screening of the applications
(`applications.screening.screen`) runs on its business description; the centre approves or rejects.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import staff_may
from applications.audit import log_action
from applications.models import Application, Institution
from applications.models.application import CLOSED_STATES
from applications.validators import normalize_brn
from notifications.events import queue_event
from openbanking_portal.errors import NotAllowed, PortalError

from .models import SubMerchant

DECIDE_PERMISSION = "operations.decide_submerchant"
# Used only while no screening rule set is in force (DOMAIN §8).
DEFAULT_ALLOWED_BASES = ["bank", "efinance"]


class SubMerchantRefused(PortalError):
    code = "sub_merchant_refused"


def rules_in_force() -> dict:
    from applications.models import ScreeningRuleSet

    try:
        return ScreeningRuleSet.objects.in_force().rules
    except ScreeningRuleSet.DoesNotExist:
        return {}


def self_check_items(rules: Mapping | None = None) -> list[tuple[str, str]]:
    """Every item the institution answers: (code, label) of each exclusion and excluded service."""
    rules = rules_in_force() if rules is None else rules
    return [(i["code"], i["label"]) for i in rules.get("exclusions", [])] + [
        (i["code"], i["label"]) for i in rules.get("excluded_services", [])
    ]


def _current_application(institution: Institution) -> Application | None:
    return (
        institution.applications.exclude(state__in=CLOSED_STATES)
        .select_related("details")
        .order_by("-created_at")
        .first()
    )


def eligibility_basis(institution: Institution) -> str:
    if institution.institution_type == "bank":
        return "bank"
    application = _current_application(institution)
    details = getattr(application, "details", None) if application else None
    return getattr(details, "eligibility_basis", "") or ""


def may_register(institution: Institution, rules: Mapping | None = None) -> bool:
    """DOMAIN §8: a financial company or an electronic financial business only."""
    rules = rules_in_force() if rules is None else rules
    allowed = (rules.get("sub_merchants") or {}).get("allowed_bases", DEFAULT_ALLOWED_BASES)
    return eligibility_basis(institution) in allowed


def _is_member(institution: Institution, user) -> bool:
    return institution.memberships.filter(user=user, role__in=["admin", "editor"]).exists()


def submit_sub_merchant(
    *,
    institution: Institution,
    by,
    name: str,
    business_registration_number: str,
    business_description: str,
    self_check: Mapping[str, bool | None],
) -> SubMerchant:
    """Submit one new sub-merchant for the centre's prior approval."""
    if not (by.is_authenticated and _is_member(institution, by)):
        raise NotAllowed(_("이 기관의 하위사업자를 등록할 권한이 없습니다."))
    rules = rules_in_force()
    if not may_register(institution, rules):
        raise SubMerchantRefused(
            _("하위사업자는 금융회사 또는 전자금융업자인 이용기관만 둘 수 있습니다 (DOMAIN §8).")
        )
    name = (name or "").strip()
    if not name:
        raise SubMerchantRefused(_("하위사업자명을 입력하세요."), field="name")
    try:
        brn = normalize_brn(business_registration_number)
    except ValidationError as exc:
        raise SubMerchantRefused(exc.messages[0], field="business_registration_number") from None
    description = (business_description or "").strip()
    if not description:
        raise SubMerchantRefused(_("업종·사업 내용을 입력하세요."), field="business_description")
    codes = [code for code, _label in self_check_items(rules)]
    answers = {code: self_check.get(code) for code in codes}
    unanswered = [code for code in codes if code not in self_check]
    if unanswered:
        raise SubMerchantRefused(
            _("자체점검 항목에 모두 답하세요: %(codes)s") % {"codes": ", ".join(unanswered)},
            field="self_check",
        )
    declared = [code for code, value in answers.items() if value is True]
    if declared:
        raise SubMerchantRefused(
            _("제외대상·제외서비스에 해당하는 하위사업자는 등록할 수 없습니다: %(codes)s")
            % {"codes": ", ".join(declared)},
            field="self_check",
        )
    outcome = _screen(institution, description, answers, rules)
    unsure = [code for code, value in answers.items() if value is None]
    flagged = bool(outcome.get("hits")) or bool(unsure)
    try:
        with transaction.atomic():
            sub = SubMerchant.objects.create(
                institution=institution,
                name=name,
                business_registration_number=brn,
                business_description=description,
                self_check=answers,
                self_check_clear=not unsure,
                screening={**outcome, "unsure": unsure},
                flagged=flagged,
                submitted_by=by,
            )
            queue_event(
                log_action(
                    action="sub_merchant.submitted",
                    actor=by,
                    institution=institution,
                    data={"sub_merchant": sub.pk, "name": name, "brn": brn, "flagged": flagged},
                )
            )
    except IntegrityError:
        raise SubMerchantRefused(
            _("이미 등록(또는 승인 대기 중)된 하위사업자입니다."),
            field="business_registration_number",
        ) from None
    return sub


def _screen(institution, description: str, answers: Mapping, rules: Mapping) -> dict:
    """DOMAIN §4 applies to sub-merchants too: the applications' screening engine on its text."""
    if not rules:
        return {"hits": [], "engine": "none"}
    from applications.screening import ScreeningFacts, screen

    outcome = screen(
        ScreeningFacts(
            institution_type=institution.institution_type,
            texts={"business_description": description},
            declarations={k: v for k, v in answers.items() if v is True},
        ),
        rules,
    )
    hits = [h.as_dict() for h in (*outcome.exclusion_hits, *outcome.service_hits)]
    return {"hits": hits, "engine": "applications.screening"}


def decide(*, sub_merchant: SubMerchant, by, approve: bool, note: str = "") -> SubMerchant:
    """The centre's prior approval (or rejection, with a note)."""
    if not staff_may(by, DECIDE_PERMISSION):
        raise NotAllowed(_("하위사업자를 승인할 권한이 없습니다."))
    note = (note or "").strip()
    if not approve and not note:
        raise SubMerchantRefused(_("반려 사유를 입력하세요."), field="note")
    with transaction.atomic():
        sub = SubMerchant.objects.select_for_update().get(pk=sub_merchant.pk)
        if sub.status != SubMerchant.Status.SUBMITTED:
            raise SubMerchantRefused(_("이미 처리된 하위사업자입니다."))
        sub.status = SubMerchant.Status.APPROVED if approve else SubMerchant.Status.REJECTED
        sub.decided_by = by
        sub.decided_at = timezone.now()
        sub.decision_note = note
        sub.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        queue_event(
            log_action(
                action="sub_merchant.approved" if approve else "sub_merchant.rejected",
                actor=by,
                institution=sub.institution,
                reason=note,
                data={"sub_merchant": sub.pk, "name": sub.name},
            )
        )
    return sub


def approved_csv(institution: Institution) -> str:
    """The approved sub-merchants of one institution, as CSV (UTF-8 with BOM for spreadsheets)."""
    return approved_list_csv(institution.sub_merchants.all())


def approved_list_csv(queryset) -> str:
    """Approved sub-merchants (any institutions), one row each, with the institution they belong to."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            "이용기관",
            "이용기관 사업자등록번호",
            "하위사업자명",
            "사업자등록번호",
            "업종·사업 내용",
            "승인일",
        ]
    )
    rows = queryset.approved().select_related("institution").order_by("institution__name", "name")
    for sub in rows:
        writer.writerow(
            [
                sub.institution.name,
                sub.institution.business_registration_number,
                sub.name,
                sub.business_registration_number,
                sub.business_description,
                f"{timezone.localtime(sub.decided_at):%Y-%m-%d}" if sub.decided_at else "",
            ]
        )
    return out.getvalue()
