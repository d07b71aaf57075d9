"""Requests and their outcomes that are not state changes (issue 10 item 4): an audit action →
who is told, in which category, with which direct link. Services call `queue_event(entry)`
right after writing the audit row; the notice goes out after commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Category


@dataclass(frozen=True)
class Event:
    category: str
    subject: object  # lazy text, formatted with the entry's names
    body: object
    link: Callable  # entry → site-relative path
    staff_permission: str = ""  # empty: the institution's members are told


def _admin_change(name: str, key: str) -> Callable:
    return lambda entry: reverse(f"admin:{name}_change", args=[entry.data[key]])


EVENTS: dict[str, Event] = {
    "functional_test.round_opened": Event(
        Category.REQUEST_RECEIVED,
        _("[기능점검 요청] %(institution)s — %(reference)s"),
        _("%(institution)s이(가) 이용신청 %(reference)s의 기능점검을 요청했습니다."),
        lambda entry: (
            reverse("admin:reviews_functionaltestround_changelist")
            + f"?application__id__exact={entry.application_id}"
        ),
        staff_permission="reviews.change_functionaltestround",
    ),
    "security_check.applied": Event(
        Category.REQUEST_RECEIVED,
        _("[보안점검 신청] %(institution)s — %(reference)s"),
        _("%(institution)s이(가) 이용신청 %(reference)s의 보안점검을 신청했습니다."),
        _admin_change("reviews_securitycheck", "check"),
        staff_permission="reviews.change_securitycheck",
    ),
    "sub_merchant.submitted": Event(
        Category.REQUEST_RECEIVED,
        _("[하위사업자 승인 요청] %(institution)s"),
        _("%(institution)s이(가) 하위사업자 승인을 요청했습니다."),
        _admin_change("operations_submerchant", "sub_merchant"),
        staff_permission="operations.decide_submerchant",
    ),
    "sub_merchant.approved": Event(
        Category.REVIEW_REQUEST,
        _("[오픈뱅킹센터] 하위사업자 승인 안내"),
        _("요청하신 하위사업자가 승인되었습니다."),
        lambda entry: reverse("operations:sub_merchants", args=[entry.institution_id]),
    ),
    "sub_merchant.rejected": Event(
        Category.REVIEW_REQUEST,
        _("[오픈뱅킹센터] 하위사업자 반려 안내"),
        _("요청하신 하위사업자가 반려되었습니다. 사유를 확인하고 다시 요청하세요."),
        lambda entry: reverse("operations:sub_merchants", args=[entry.institution_id]),
    ),
    "contract.change_requested": Event(
        Category.REQUEST_RECEIVED,
        _("[계약 변경 요청] %(institution)s — %(reference)s"),
        _("%(institution)s이(가) 이용신청 %(reference)s의 계약(약정계좌) 변경을 요청했습니다."),
        _admin_change("contracts_contractchangerequest", "change"),
        staff_permission="contracts.change_contractchangerequest",
    ),
    "contract.change_approved": Event(
        Category.REVIEW_REQUEST,
        _("[오픈뱅킹센터] 계약 변경 승인 안내 (%(reference)s)"),
        _("요청하신 계약 변경이 승인되었습니다. 적용일은 계약 화면에서 확인하세요."),
        lambda entry: reverse("contract_page", args=[entry.application_id]),
    ),
    "contract.change_rejected": Event(
        Category.REVIEW_REQUEST,
        _("[오픈뱅킹센터] 계약 변경 반려 안내 (%(reference)s)"),
        _("요청하신 계약 변경이 반려되었습니다."),
        lambda entry: reverse("contract_page", args=[entry.application_id]),
    ),
}


def queue_event(entry) -> None:
    """Notify after the transaction that wrote `entry` has committed (if the action has an event)."""
    if entry.action not in EVENTS:
        return
    from .tasks import notify_event

    transaction.on_commit(lambda: notify_event.delay(entry.pk))


def notify_event(*, entry_id: int) -> int:
    """Safe to run twice: the audit entry is the notice's key. Returns e-mail messages sent."""
    from applications.models import AuditEntry

    from .services import institution_recipients, notify, staff_with_permission

    entry = AuditEntry.objects.select_related("application", "institution").get(pk=entry_id)
    event = EVENTS.get(entry.action)
    if event is None or entry.institution is None:
        return 0
    values = {
        "institution": entry.institution.name,
        "reference": entry.application.reference if entry.application else "",
    }
    if event.staff_permission:
        recipients = staff_with_permission(event.staff_permission)
    else:
        recipients = institution_recipients(entry.institution)

    def body() -> str:
        text = str(event.body) % values
        name = entry.data.get("name")
        detail = f"\n{name}" if name else ""
        reason = f"\n{_('사유')}: {entry.reason}" if entry.reason else ""
        return text + detail + reason

    return notify(
        recipients,
        category=event.category,
        subject=lambda: str(event.subject) % values,
        body=body,
        link=event.link(entry),
        application=entry.application,
        institution=entry.institution,
        key=f"audit:{entry.pk}",
    )
