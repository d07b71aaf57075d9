"""DOMAIN §5.2 / §9 — payments of institution fees, reminders, and the missed-payment trigger.

An invoice past its due date and unpaid is a missed payment (미납). When an institution reaches the
policy's count (three, §9) the system opens a suspension proposal with the evidence; staff confirm it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.audit import log_action
from applications.models import Application
from applications.models.application import State
from openbanking_portal.errors import NotAllowed, PortalError

from .models import Invoice, Payment, SanctionCase, SanctionTrigger

PAYMENT_PERMISSION = "operations.add_payment"


def record_payment(
    *, invoice: Invoice, amount_krw: int, paid_on: datetime.date, reference: str, by=None
) -> tuple[Payment, bool]:
    """Record a payment; the same reference twice is recognised (import idempotence).

    Returns (payment, created). The invoice is paid when the payments cover its total."""
    if by is not None and not by.has_perm(PAYMENT_PERMISSION):
        raise NotAllowed(_("수수료 납부를 등록할 권한이 없습니다."))
    reference = (reference or "").strip()
    if not reference:
        raise PortalError(_("납부 참조번호를 입력하세요."), field="reference")
    if amount_krw <= 0:
        raise PortalError(_("납부 금액은 0원보다 커야 합니다."), field="amount_krw")
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        existing = invoice.payments.filter(reference=reference).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    invoice=invoice,
                    amount_krw=amount_krw,
                    paid_on=paid_on,
                    reference=reference,
                    recorded_by=by if getattr(by, "is_authenticated", False) else None,
                )
        except IntegrityError:
            return invoice.payments.get(reference=reference), False
        paid = invoice.payments.aggregate(s=Sum("amount_krw"))["s"] or 0
        invoice.paid_krw = paid
        if paid >= invoice.total_krw and invoice.paid_at is None:
            invoice.paid_at = timezone.now()
        invoice.save(update_fields=["paid_krw", "paid_at"])
        log_action(
            action="invoice.payment_recorded",
            actor=by,
            institution=invoice.institution,
            data={
                "invoice": invoice.number,
                "amount_krw": amount_krw,
                "paid_on": paid_on.isoformat(),
                "reference": reference,
                "fully_paid": invoice.paid_at is not None,
            },
        )
    return payment, True


def missed_counts(today: datetime.date) -> dict[int, int]:
    """Institution id → number of missed payments (overdue and unpaid invoices), in one query."""
    return dict(
        Invoice.objects.overdue(today)
        .values_list("institution_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def _threshold(today: datetime.date) -> int:
    from .billing import fees_policy

    return int(fees_policy(today).data.get("missed_payments_for_sanction", 3))


def check_missed_payments(*, today: datetime.date | None = None) -> list[SanctionCase]:
    """DOMAIN §9: on the third missed payment, flag the institution and propose its suspension with
    the overdue invoices as evidence. Safe to run daily: one open proposal per application."""
    today = today or timezone.localdate()
    limit = _threshold(today)
    flagged = [inst for inst, n in missed_counts(today).items() if n >= limit]
    if not flagged:
        return []
    open_cases = SanctionCase.objects.filter(
        trigger=SanctionTrigger.UNPAID_FEES, status=SanctionCase.Status.PROPOSED
    )
    applications = (
        Application.objects.filter(institution_id__in=flagged, state=State.LIVE)
        .exclude(pk__in=open_cases.values("application_id"))
        .select_related("institution")
    )
    created = []
    for application in applications:
        overdue = list(
            Invoice.objects.overdue(today)
            .filter(institution_id=application.institution_id)
            .order_by("due_on")
        )
        evidence = _("미납 %(n)d회 (기준 %(limit)d회): %(list)s") % {
            "n": len(overdue),
            "limit": limit,
            "list": "; ".join(
                f"{i.number} {i.total_krw - i.paid_krw:,}원 (기한 {i.due_on:%Y-%m-%d})"
                for i in overdue
            ),
        }
        try:
            with transaction.atomic():
                case = SanctionCase.objects.create(
                    application=application,
                    trigger=SanctionTrigger.UNPAID_FEES,
                    action=SanctionCase.Action.SUSPEND,
                    evidence=evidence,
                    evidence_data={
                        "invoices": [
                            {
                                "number": i.number,
                                "month": f"{i.month:%Y-%m}",
                                "due_on": i.due_on.isoformat(),
                                "total_krw": i.total_krw,
                                "paid_krw": i.paid_krw,
                            }
                            for i in overdue
                        ],
                        "checked_on": today.isoformat(),
                    },
                    proposed_by_system=True,
                )
                log_action(
                    action="sanction.proposed",
                    application=application,
                    reason=evidence,
                    data={"trigger": case.trigger, "case": case.pk, "by_system": True},
                )
        except IntegrityError:
            continue  # a concurrent run opened it
        transaction.on_commit(lambda pk=case.pk: _notify_staff(pk))
        created.append(case)
    return created


def _notify_staff(case_id: int) -> None:
    from .tasks import notify_staff_of_sanction_case

    notify_staff_of_sanction_case.delay(case_id)


def staff_recipients() -> list:
    """Active staff who may decide a suspension (superusers included)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    User = get_user_model()
    return list(
        User.objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename="suspend_application")
            | Q(user_permissions__codename="suspend_application")
        )
        .exclude(email="")
        .distinct()
        .order_by("email")
    )


def send_staff_notice(*, case_id: int) -> int:
    """Staff who decide suspensions get the proposal in the portal and by e-mail, linked to the
    case's admin page. Safe to run twice (the case is the notice's key)."""
    from django.urls import reverse

    from notifications.models import Category
    from notifications.services import notify

    case = SanctionCase.objects.select_related("application__institution").get(pk=case_id)
    to = staff_recipients()
    if not to:
        return 0
    return notify(
        to,
        category=Category.SANCTION,
        subject=lambda: (
            _("[오픈뱅킹센터] 이용중지 검토 요청: %(name)s")
            % {"name": case.application.institution.name}
        ),
        template="operations/emails/sanction_proposed.txt",
        context={"case": case},
        link=reverse("admin:operations_sanctioncase_change", args=[case.pk]),
        application=case.application,
        key=f"sanction_case:{case.pk}",
    )


# --- reminders --------------------------------------------------------------------------------


def send_payment_reminders(*, today: datetime.date | None = None) -> int:
    """E-mail each institution once before its due date and once after it (unpaid). Claims each
    reminder with a compare-and-swap, so a second run sends nothing twice."""
    from .billing import fees_policy

    today = today or timezone.localdate()
    days_before = int(fees_policy(today).data.get("reminder_days_before_due", 3))
    sent = 0
    before = Invoice.objects.unpaid().filter(
        reminded_before_at=None,
        due_on__gte=today,
        due_on__lte=today + datetime.timedelta(days_before),
    )
    for invoice_id in list(before.values_list("pk", flat=True)):
        if Invoice.objects.filter(pk=invoice_id, reminded_before_at=None).update(
            reminded_before_at=timezone.now()
        ):
            sent += _send_reminder(invoice_id, "before")
    after = Invoice.objects.overdue(today).filter(reminded_after_at=None)
    for invoice_id in list(after.values_list("pk", flat=True)):
        if Invoice.objects.filter(pk=invoice_id, reminded_after_at=None).update(
            reminded_after_at=timezone.now()
        ):
            sent += _send_reminder(invoice_id, "after")
    return sent


def _send_reminder(invoice_id: int, when: str) -> int:
    """Billing notices are e-mailed whatever the preference (the overdue one warns of suspension,
    DOMAIN §9); both link to the portal's invoice page."""
    from django.urls import reverse

    from notifications.models import Category
    from notifications.services import institution_recipients, notify

    invoice = Invoice.objects.select_related("institution").get(pk=invoice_id)
    context = {"invoice": invoice, "when": when, "site": settings.SITE_URL}

    def subject() -> str:
        text = (
            _("[오픈뱅킹센터] 수수료 납부 기한 안내 (%(number)s)")
            if when == "before"
            else _("[오픈뱅킹센터] 수수료 미납 안내 (%(number)s)")
        )
        return text % {"number": invoice.number}

    sent = notify(
        institution_recipients(invoice.institution),
        category=Category.BILLING,
        subject=subject,
        template="operations/emails/payment_reminder.txt",
        context=context,
        link=reverse("operations:invoices"),
        institution=invoice.institution,
        key=f"invoice_reminder_{when}:{invoice.pk}",
    )
    log_action(
        action=f"invoice.reminder_{when}",
        institution=invoice.institution,
        data={"invoice": invoice.number, "due_on": invoice.due_on.isoformat()},
    )
    return sent


# --- import -----------------------------------------------------------------------------------

PAYMENT_COLUMNS = ["invoice_number", "amount_krw", "paid_on", "reference"]


def import_payments_csv(*, content: bytes, by) -> tuple[int, int]:
    """Import a bank's payment file: validated row by row and rejected whole with the line numbers
    at fault; each row is recorded by its reference, so the same file twice records nothing new.
    Returns (rows, payments newly recorded)."""
    import csv
    import io

    from .usage import MAX_ERRORS_SHOWN, UsageRejected

    if not (by and by.has_perm(PAYMENT_PERMISSION)):
        raise NotAllowed(_("수수료 납부를 등록할 권한이 없습니다."))
    try:
        reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
        raws = [(reader.line_num, row) for row in reader]
    except UnicodeDecodeError:
        raise UsageRejected(_("UTF-8 CSV 파일이어야 합니다."), errors=[(1, "encoding")]) from None
    missing = [c for c in PAYMENT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise UsageRejected(
            _("머리글에 필요한 열이 없습니다: %(cols)s") % {"cols": ", ".join(missing)},
            errors=[(1, ", ".join(missing))],
        )
    invoices = {
        i.number: i
        for i in Invoice.objects.filter(
            number__in={(r.get("invoice_number") or "").strip() for _l, r in raws}
        )
    }
    errors, rows, seen = [], [], {}
    for line, raw in raws:
        number = (raw.get("invoice_number") or "").strip()
        reference = (raw.get("reference") or "").strip()
        amount = (raw.get("amount_krw") or "").strip().replace(",", "")
        try:
            paid_on = datetime.date.fromisoformat((raw.get("paid_on") or "").strip())
        except ValueError:
            errors.append((line, _("납부일은 YYYY-MM-DD 형식이어야 합니다.")))
            continue
        if number not in invoices:
            errors.append((line, _("청구서 번호를 찾을 수 없습니다.")))
        elif not amount.isdigit() or int(amount) <= 0:
            errors.append((line, _("납부 금액은 0보다 큰 정수여야 합니다.")))
        elif not reference:
            errors.append((line, _("납부 참조번호가 없습니다.")))
        elif (number, reference) in seen:
            errors.append(
                (line, _("%(line)d행과 중복됩니다.") % {"line": seen[(number, reference)]})
            )
        else:
            seen[(number, reference)] = line
            rows.append((invoices[number], int(amount), paid_on, reference))
    if errors:
        lines = ", ".join(str(line) for line, _r in sorted(errors)[:MAX_ERRORS_SHOWN])
        raise UsageRejected(
            _("파일 전체를 반려했습니다. 오류가 있는 행: %(lines)s") % {"lines": lines},
            errors=sorted(errors),
        )
    created = 0
    with transaction.atomic():
        for invoice, amount, paid_on, reference in rows:
            _payment, new = record_payment(
                invoice=invoice, amount_krw=amount, paid_on=paid_on, reference=reference, by=by
            )
            created += new
    return len(rows), created
