"""DOMAIN §2 step 2 — the functional test (기능테스트).

The applicant files a functional-test application (기능테스트 신청서) listing the APIs its service
uses, then requests the check: the first request moves the application `approved → functional_test`
through the state machine, and every request opens a round whose checklist has one item per
function. Staff pass or fail each item; a failed round goes back to the applicant, who requests
the next round; a round whose items all pass lets staff run `pass_functional_test`.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.audit import log_action
from applications.lifecycle import apply_transition
from applications.models import Application, State
from applications.models.application import can_advance, is_editing_member
from notifications.events import queue_event
from openbanking_portal.errors import NotAllowed, PortalError

from .api_catalogue import API_BY_CODE, api_label
from .models import (
    ChecklistItem,
    FunctionalTestFunction,
    FunctionalTestRequest,
    FunctionalTestRound,
    ItemResult,
    RoundOutcome,
)
from .notifications import queue_review_email


class FunctionalTestError(PortalError):
    code = "functional_test_refused"


def form_editable(application: Application) -> bool:
    """The form can be changed before the first request and after a failed round."""
    if application.state == State.APPROVED:
        return True
    if application.state != State.FUNCTIONAL_TEST:
        return False
    latest = FunctionalTestRound.objects.filter(application=application).order_by("-number").first()
    return latest is None or latest.outcome == RoundOutcome.FAILED


def _require_member(application: Application, by) -> None:
    if not is_editing_member(application, by):
        raise NotAllowed(_("이 기관의 작성 권한이 없습니다."))


def _require_staff(application: Application, by) -> None:
    if not can_advance(application, by):
        raise NotAllowed(_("기능테스트 판정 권한이 없습니다."))


def save_request(
    *, application: Application, by, test_build: str, functions: dict[str, str]
) -> FunctionalTestRequest:
    """Save the functional-test application (draft); `functions` maps API code → what it is used for."""
    _require_member(application, by)
    unknown = [code for code in functions if code not in API_BY_CODE]
    if unknown:
        raise FunctionalTestError(_("알 수 없는 API입니다: %s") % ", ".join(unknown))
    if not functions:
        raise FunctionalTestError(_("점검받을 기능(API)을 하나 이상 고르세요."), field="functions")
    if not test_build.strip():
        raise FunctionalTestError(_("테스트 빌드 접속 방법을 적어 주세요."), field="test_build")
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if not form_editable(application):
            raise FunctionalTestError(_("지금은 기능테스트 신청서를 수정할 수 없습니다."))
        request, _created = FunctionalTestRequest.objects.update_or_create(
            application=application, defaults={"test_build": test_build.strip()}
        )
        request.functions.exclude(api_code__in=functions).delete()
        for code, usage in functions.items():
            FunctionalTestFunction.objects.update_or_create(
                request=request, api_code=code, defaults={"usage": usage.strip()}
            )
        log_action(
            action="functional_test.form_saved",
            actor=by,
            application=application,
            data={"apis": sorted(functions)},
        )
    return request


def request_test(*, application: Application, by) -> FunctionalTestRound:
    """기능점검 요청: submit the form and open the next round of the checklist."""
    _require_member(application, by)
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=application.pk)
        if not form_editable(app):
            raise FunctionalTestError(_("지금은 기능점검을 요청할 수 없습니다."))
        request = FunctionalTestRequest.objects.filter(application=app).first()
        if request is None or not request.functions.exists():
            raise FunctionalTestError(_("기능테스트 신청서를 먼저 작성하세요."))
        request.submitted_at = timezone.now()
        request.submitted_by = by
        request.save(update_fields=["submitted_at", "submitted_by", "updated_at"])
        if app.state == State.APPROVED:
            app = apply_transition(application=app, name="request_functional_test", by=by)
        number = FunctionalTestRound.objects.filter(application=app).count() + 1
        round_ = FunctionalTestRound.objects.create(
            application=app, number=number, test_build=request.test_build, opened_by=by
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(round=round_, api_code=f.api_code, usage=f.usage)
            for f in request.functions.all()
        )
        entry = log_action(
            action="functional_test.round_opened",
            actor=by,
            application=app,
            data={"round": number, "apis": [f.api_code for f in request.functions.all()]},
        )
        queue_event(entry)  # staff: a request to answer
    return round_


def _open_round(round_: FunctionalTestRound) -> FunctionalTestRound:
    locked = FunctionalTestRound.objects.select_for_update().get(pk=round_.pk)
    if locked.outcome != RoundOutcome.OPEN:
        raise FunctionalTestError(_("이미 판정이 끝난 차수입니다."))
    return locked


def record_item(
    *, item: ChecklistItem, by, result: str, note: str = "", evidence=None
) -> ChecklistItem:
    """Staff record pass / fail of one function, with a note and optional evidence."""
    application = item.round.application
    _require_staff(application, by)
    if result not in (ItemResult.PASSED, ItemResult.FAILED):
        raise FunctionalTestError(_("통과 또는 불합격을 고르세요."), field="result")
    if result == ItemResult.FAILED and not note.strip():
        raise FunctionalTestError(_("불합격 사유를 적어 주세요."), field="note")
    with transaction.atomic():
        _open_round(item.round)
        item.result = result
        item.note = note.strip()
        if evidence is not None:
            item.evidence = evidence
            item.evidence_name = evidence.name[:255]
        item.checked_at = timezone.now()
        item.checked_by = by
        item.full_clean(exclude=["round"])
        item.save()
        log_action(
            action="functional_test.item_checked",
            actor=by,
            application=application,
            reason=item.note,
            data={"round": item.round.number, "api": item.api_code, "result": result},
        )
    return item


def fail_round(*, round_: FunctionalTestRound, by, note: str = "") -> FunctionalTestRound:
    """Send the round back to the applicant with its failed items; the next request opens a new one."""
    application = round_.application
    _require_staff(application, by)
    with transaction.atomic():
        locked = _open_round(round_)
        items = list(locked.items.all())
        if any(i.result == ItemResult.PENDING for i in items):
            raise FunctionalTestError(_("점검하지 않은 항목이 있습니다."))
        failed = [i for i in items if i.result == ItemResult.FAILED]
        if not failed:
            raise FunctionalTestError(_("불합격 항목이 없습니다. 통과 처리하세요."))
        locked.outcome = RoundOutcome.FAILED
        locked.closed_at = timezone.now()
        locked.closed_by = by
        locked.note = note.strip()
        locked.save()
        entry = log_action(
            action="functional_test.round_failed",
            actor=by,
            application=application,
            reason=locked.note,
            data={
                "round": locked.number,
                "failed": [
                    {"api": i.api_code, "label": api_label(i.api_code), "note": i.note}
                    for i in failed
                ],
            },
        )
        queue_review_email(entry)
    return locked


def pass_round(*, round_: FunctionalTestRound, by, note: str = "") -> FunctionalTestRound:
    """Close the round as passed and move the application to the security check."""
    application = round_.application
    _require_staff(application, by)
    with transaction.atomic():
        locked = _open_round(round_)
        latest = FunctionalTestRound.objects.filter(application=application).order_by("-number")[0]
        if latest.pk != locked.pk:
            raise FunctionalTestError(_("최신 차수만 판정할 수 있습니다."))
        locked.outcome = RoundOutcome.PASSED
        locked.closed_at = timezone.now()
        locked.closed_by = by
        locked.note = note.strip()
        locked.save()
        # The state machine's condition re-checks that every item of this round passed.
        apply_transition(
            application=application,
            name="pass_functional_test",
            by=by,
            reason=locked.note or _("기능테스트 %(n)d차 전 항목 통과") % {"n": locked.number},
        )
    return locked
