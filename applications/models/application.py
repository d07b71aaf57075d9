"""The application and its lifecycle (DOMAIN §2): one state machine per application.

Transitions carry `custom` metadata read by the lifecycle service and the admin:
`actor` ("applicant" / "staff" / "system"), `reason_required`, `label` and `audit` (dotted action).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.roles import staff_may

from .institution import Institution


class State(models.TextChoices):
    DRAFT = "draft", _("작성 중")
    SUBMITTED = "submitted", _("신청 접수")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("보완 요청")
    RESUBMITTED = "resubmitted", _("보완 제출")
    APPROVED = "approved", _("이용 승인 (개발·자체 테스트)")
    FUNCTIONAL_TEST = "functional_test", _("기능점검 진행")
    SECURITY_CHECK = "security_check", _("보안점검 진행")
    CONTRACT = "contract", _("계약 진행")
    LAUNCH_SCHEDULED = "launch_scheduled", _("서비스 실시 예정")
    LIVE = "live", _("서비스 중")
    SUSPENDED = "suspended", _("이용 중지")
    TERMINATED = "terminated", _("해지")
    REJECTED = "rejected", _("승인 거절")
    WITHDRAWN = "withdrawn", _("신청 철회")


class Step(models.TextChoices):
    """The coarse step every consumer (filters, API, statistics) reads."""

    APPROVAL = "approval", _("① 이용승인")
    FUNCTIONAL_TEST = "functional_test", _("② 기능테스트")
    SECURITY_CHECK = "security_check", _("③ 보안점검")
    CONTRACT = "contract", _("④ 계약체결")
    LAUNCH = "launch", _("⑤ 서비스 실시")
    LIVE = "live", _("서비스 중")
    SUSPENDED = "suspended", _("이용 중지")
    TERMINATED = "terminated", _("해지")
    REJECTED = "rejected", _("승인 거절")
    WITHDRAWN = "withdrawn", _("철회")


STEP_OF_STATE = {
    State.DRAFT: Step.APPROVAL,
    State.SUBMITTED: Step.APPROVAL,
    State.SUPPLEMENT_REQUESTED: Step.APPROVAL,
    State.RESUBMITTED: Step.APPROVAL,
    State.APPROVED: Step.FUNCTIONAL_TEST,
    State.FUNCTIONAL_TEST: Step.FUNCTIONAL_TEST,
    State.SECURITY_CHECK: Step.SECURITY_CHECK,
    State.CONTRACT: Step.CONTRACT,
    State.LAUNCH_SCHEDULED: Step.LAUNCH,
    State.LIVE: Step.LIVE,
    State.SUSPENDED: Step.SUSPENDED,
    State.TERMINATED: Step.TERMINATED,
    State.REJECTED: Step.REJECTED,
    State.WITHDRAWN: Step.WITHDRAWN,
}
# `State.values` and `State(x).label` rebuild a list or look the member up on every call.
STATE_LABELS = {state.value: state.label for state in State}
# The five steps in order, for the step indicator.
MAIN_STEPS = [Step.APPROVAL, Step.FUNCTIONAL_TEST, Step.SECURITY_CHECK, Step.CONTRACT, Step.LAUNCH]
# An institution has at most one application in these states at a time.
CLOSED_STATES = [State.REJECTED, State.WITHDRAWN, State.TERMINATED]
UNDER_DECISION = [State.SUBMITTED, State.RESUBMITTED]
WITHDRAWABLE = [
    State.DRAFT,
    State.SUBMITTED,
    State.SUPPLEMENT_REQUESTED,
    State.RESUBMITTED,
    State.APPROVED,
    State.FUNCTIONAL_TEST,
    State.SECURITY_CHECK,
    State.CONTRACT,
]


def states_of_step(step: str) -> list[str]:
    return [state for state, s in STEP_OF_STATE.items() if s == step]


# --- permissions (callables: instance, user) -------------------------------------------------


def is_editing_member(application: "Application", user) -> bool:
    if not user.is_authenticated:
        return False
    return application.institution.memberships.filter(
        user=user, role__in=["admin", "editor"]
    ).exists()


def staff_with(perm: str):
    def check(application: "Application", user) -> bool:
        return staff_may(user, perm)

    check.__name__ = f"staff_with_{perm.split('.')[-1]}"
    return check


can_decide = staff_with("applications.decide_application")
can_advance = staff_with("applications.advance_application")
can_suspend = staff_with("applications.suspend_application")


# --- conditions ------------------------------------------------------------------------------


def is_complete(application: "Application") -> bool:
    return not application.missing_items()


def has_signed_contract(application: "Application") -> bool:
    contract = getattr(application, "contract", None)
    return bool(contract and contract.signed_at)


def has_no_signed_contract(application: "Application") -> bool:
    return not has_signed_contract(application)


def has_launch_date(application: "Application") -> bool:
    return application.launch_date is not None


def launch_date_reached(application: "Application") -> bool:
    return application.launch_date is not None and application.launch_date <= timezone.localdate()


def has_functional_test_request(application: "Application") -> bool:
    from reviews.selectors import has_submitted_request

    return has_submitted_request(application)


def functional_test_round_passed(application: "Application") -> bool:
    from reviews.selectors import latest_round_all_passed

    return latest_round_all_passed(application)


def security_checks_accepted(application: "Application") -> bool:
    from reviews.selectors import both_checks_accepted

    return both_checks_accepted(application)


def security_checks_still_valid(application: "Application") -> bool:
    from reviews.selectors import security_checks_valid

    return security_checks_valid(application)


def _security_check_reasons(application: "Application") -> list[str]:
    from reviews.selectors import security_check_blockers

    return security_check_blockers(application)


security_checks_still_valid.message = _(
    "유효한 보안점검 결과(센터 검토 완료, 유효기간 이내)가 있어야 합니다."
)
# The lifecycle shows these per-check reasons (missing, re-check, expired) after the message.
security_checks_still_valid.explain = _security_check_reasons


is_complete.message = _("필수 항목이 비어 있습니다.")
has_signed_contract.message = _("서명된 계약이 없습니다.")
has_no_signed_contract.message = _(
    "계약이 이미 체결되어 철회할 수 없습니다. 해지 절차를 이용하세요."
)
has_launch_date.message = _("서비스 실시일이 정해지지 않았습니다.")
launch_date_reached.message = _("서비스 실시일이 아직 되지 않았습니다.")


def has_guarantee_in_place(application: "Application") -> bool:
    from contracts.guarantee import guarantee_in_place

    contract = getattr(application, "contract", None)
    return bool(contract and guarantee_in_place(contract))


has_guarantee_in_place.message = _("보증수단(보증보험 또는 개별은행 보증)이 갖추어지지 않았습니다.")
has_functional_test_request.message = _("기능테스트 신청서를 먼저 제출하세요.")
functional_test_round_passed.message = _("최근 기능테스트 차수의 모든 항목이 통과해야 합니다.")
security_checks_accepted.message = _(
    "이용기관 보안점검과 핀테크 서비스 취약점 점검을 센터가 모두 검토 완료해야 합니다."
)


def meta(label, actor, audit, reason_required=False):
    return {"label": label, "actor": actor, "audit": audit, "reason_required": reason_required}


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff with the view permission see all; applicants only their institutions' applications
        (STYLE §7). Staff without the permission are treated like any other user."""
        if not user.is_authenticated:
            return self.none()
        if staff_may(user, "applications.view_application"):
            return self
        return self.filter(institution__memberships__user=user)

    def in_step(self, step: str):
        return self.filter(state__in=states_of_step(step))

    def in_progress(self):
        return self.exclude(state__in=CLOSED_STATES)


class Application(ConcurrentTransitionMixin, models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="applications", verbose_name=_("기관")
    )
    service_name = models.CharField(_("서비스명"), max_length=200)
    service_description = models.TextField(_("서비스 설명 (사업모델)"), blank=True)
    state = FSMField(
        _("상태"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True
    )
    launch_date = models.DateField(_("서비스 실시 예정일"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("작성자"),
    )
    created_at = models.DateTimeField(_("작성 시각"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정 시각"), auto_now=True)
    submitted_at = models.DateTimeField(_("최초 접수 시각"), null=True, blank=True)
    state_changed_at = models.DateTimeField(_("상태 변경 시각"), default=timezone.now)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("이용신청")
        verbose_name_plural = _("이용신청")
        ordering = ["-created_at"]
        indexes = [
            # The changelists list newest first (the admin adds -id as tie-break) and stop at a
            # page: this index lets PostgreSQL read the first page in order instead of sorting
            # every matching row (ordering × step filter: 10 ms → 0.6 ms at 10,000 applications).
            models.Index(fields=["-created_at", "-id"], name="application_newest_first"),
            # A one-state queue (`?step=live`, `?state=...`) read in the same order: with the index
            # above alone PostgreSQL walks past every newer row in other states (7,500 for the
            # live queue at 10,000 applications: 1.2 ms → 0.1 ms).
            models.Index(
                fields=["state", "-created_at", "-id"], name="application_state_newest_first"
            ),
        ]
        permissions = [
            ("decide_application", _("이용승인 심사 (승인·거절·보완요청)")),
            ("advance_application", _("기능테스트·보안점검·계약·실시 단계 진행")),
            ("suspend_application", _("이용중지·재개·해지")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"],
                condition=~models.Q(state__in=CLOSED_STATES),
                name="one_open_application_per_institution",
                violation_error_message=_("이 기관에는 이미 진행 중인 이용신청이 있습니다."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.service_name}"

    @property
    def reference(self) -> str:
        return f"OB-{self.created_at:%Y}-{self.pk:06d}" if self.pk and self.created_at else "OB-NEW"

    @property
    def step(self) -> str:
        return STEP_OF_STATE[self.state].value

    def get_step_display(self) -> str:
        return STEP_OF_STATE[self.state].label

    def get_state_display(self) -> str:
        # Django's generated method hashes every lazy choice label (a translation each) per call;
        # dashboards and changelists call it once per row.
        return str(STATE_LABELS[self.state]) if self.state in STATE_LABELS else self.state

    def missing_items(self) -> list[str]:
        missing = []
        if not self.service_name.strip():
            missing.append(str(_("서비스명")))
        if not self.service_description.strip():
            missing.append(str(_("서비스 설명 (사업모델)")))
        # The online form's content and documents, once the applicant has started it.
        from ..completeness import missing_online_items

        missing += missing_online_items(self)
        return missing

    # --- step 1: approval (이용승인) --------------------------------------------------------
    @transition(
        state,
        source=State.DRAFT,
        target=State.SUBMITTED,
        conditions=[is_complete],
        permission=is_editing_member,
        custom=meta(_("신청서 제출"), "applicant", "application.submitted"),
    )
    def submit(self):
        self.submitted_at = self.submitted_at or timezone.now()

    @transition(
        state,
        source=UNDER_DECISION,
        target=State.SUPPLEMENT_REQUESTED,
        permission=can_decide,
        custom=meta(
            _("보완 요청"), "staff", "application.supplement_requested", reason_required=True
        ),
    )
    def request_supplement(self):
        pass

    @transition(
        state,
        source=State.SUPPLEMENT_REQUESTED,
        target=State.RESUBMITTED,
        conditions=[is_complete],
        permission=is_editing_member,
        custom=meta(_("보완 제출"), "applicant", "application.resubmitted"),
    )
    def resubmit(self):
        pass

    @transition(
        state,
        source=UNDER_DECISION,
        target=State.APPROVED,
        permission=can_decide,
        custom=meta(_("이용 승인"), "staff", "application.approved", reason_required=True),
    )
    def approve(self):
        pass

    @transition(
        state,
        source=UNDER_DECISION,
        target=State.REJECTED,
        permission=can_decide,
        custom=meta(_("승인 거절"), "staff", "application.rejected", reason_required=True),
    )
    def reject(self):
        pass

    # --- steps 2-5 ----------------------------------------------------------------------------
    @transition(
        state,
        source=State.APPROVED,
        target=State.FUNCTIONAL_TEST,
        conditions=[has_functional_test_request],
        permission=is_editing_member,
        custom=meta(_("기능점검 요청"), "applicant", "functional_test.requested"),
    )
    def request_functional_test(self):
        pass

    @transition(
        state,
        source=State.FUNCTIONAL_TEST,
        target=State.SECURITY_CHECK,
        conditions=[functional_test_round_passed],
        permission=can_advance,
        custom=meta(_("기능테스트 통과"), "staff", "functional_test.passed", reason_required=True),
    )
    def pass_functional_test(self):
        pass

    @transition(
        state,
        source=State.SECURITY_CHECK,
        target=State.CONTRACT,
        conditions=[security_checks_accepted],
        permission=can_advance,
        custom=meta(_("보안점검 완료"), "staff", "security_check.accepted", reason_required=True),
    )
    def pass_security_check(self):
        pass

    @transition(
        state,
        source=State.CONTRACT,
        target=State.LAUNCH_SCHEDULED,
        conditions=[has_signed_contract, has_launch_date, security_checks_still_valid],
        permission=can_advance,
        custom=meta(_("서비스 실시 예정 등록"), "staff", "launch.scheduled", reason_required=True),
    )
    def schedule_launch(self):
        pass

    @transition(
        state,
        source=State.LAUNCH_SCHEDULED,
        target=State.LIVE,
        conditions=[
            has_signed_contract,
            launch_date_reached,
            has_guarantee_in_place,
            security_checks_still_valid,
        ],
        permission=can_advance,
        custom=meta(_("서비스 실시"), "staff", "launch.live"),
    )
    def go_live(self):
        pass

    # --- after launch (DOMAIN §9) -------------------------------------------------------------
    @transition(
        state,
        source=State.LIVE,
        target=State.SUSPENDED,
        permission=can_suspend,
        custom=meta(_("이용 중지"), "staff", "application.suspended", reason_required=True),
    )
    def suspend(self):
        pass

    @transition(
        state,
        source=State.SUSPENDED,
        target=State.LIVE,
        permission=can_suspend,
        custom=meta(_("이용 재개"), "staff", "application.reinstated", reason_required=True),
    )
    def reinstate(self):
        pass

    @transition(
        state,
        source=[State.LIVE, State.SUSPENDED],
        target=State.TERMINATED,
        permission=can_suspend,
        custom=meta(_("해지"), "staff", "application.terminated", reason_required=True),
    )
    def terminate(self):
        pass

    @transition(
        state,
        source=WITHDRAWABLE,
        target=State.WITHDRAWN,
        conditions=[has_no_signed_contract],
        permission=is_editing_member,
        custom=meta(_("신청 철회"), "applicant", "application.withdrawn", reason_required=True),
    )
    def withdraw(self):
        pass
