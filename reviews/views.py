"""Applicant and agency pages of steps 2-3. Staff work in the admin (reviews/admin.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.mfa import session_passed_mfa
from applications.models import Application, State
from applications.models.application import is_editing_member
from openbanking_portal.errors import PortalError

from . import functional_test, security_check, selectors
from .forms import (
    CheckApplicationForm,
    FindingForm,
    FunctionalTestRequestForm,
    RemediationForm,
    ResultForm,
)
from .models import CheckDocument, CheckKind, CheckStatus, FunctionalTestRequest, SecurityCheck


def _application(request, pk) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related("institution"), pk=pk
    )


def _show_error(request, form, exc: PortalError) -> None:
    if exc.field and form is not None and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    else:
        messages.error(request, exc.message)


def _services_wanted(application) -> list[str]:
    details = getattr(application, "details", None)
    return list(getattr(details, "services_wanted", None) or [])


# --- applicant: functional test ---------------------------------------------------------------


@login_required
def functional_test_page(request, pk):
    application = _application(request, pk)
    can_edit = is_editing_member(application, request.user) and functional_test.form_editable(
        application
    )
    existing = (
        FunctionalTestRequest.objects.filter(application=application)
        .prefetch_related("functions")
        .first()
    )
    form = FunctionalTestRequestForm(
        request.POST or None,
        initial=FunctionalTestRequestForm.initial_from(existing, _services_wanted(application)),
    )
    if request.method == "POST":
        if not can_edit:
            messages.error(request, _("지금은 기능테스트 신청서를 수정할 수 없습니다."))
            return redirect("reviews:functional_test", pk=application.pk)
        if form.is_valid():
            try:
                functional_test.save_request(
                    application=application,
                    by=request.user,
                    test_build=form.cleaned_data["test_build"],
                    functions=form.cleaned_data["functions"],
                )
                if "request_test" in request.POST:
                    round_ = functional_test.request_test(application=application, by=request.user)
                    messages.success(
                        request, _("기능점검을 요청했습니다 (%(n)d차).") % {"n": round_.number}
                    )
                else:
                    messages.success(request, _("저장되었습니다."))
            except PortalError as exc:
                _show_error(request, form, exc)
            else:
                return redirect("reviews:functional_test", pk=application.pk)
    return render(
        request,
        "reviews/functional_test.html",
        {
            "application": application,
            "form": form,
            "can_edit": can_edit,
            "request_obj": existing,
            "rounds": selectors.rounds_of(application),
        },
    )


# --- applicant: security check ----------------------------------------------------------------


@login_required
def security_check_page(request, pk):
    application = _application(request, pk)
    return _render_security_check(request, application)


def _render_security_check(request, application, apply_form=None, remediation_forms=None):
    checks = list(selectors.checks_of(application))
    editor = is_editing_member(application, request.user)
    applied = {c.kind for c in checks}
    can_apply = editor and application.state == State.SECURITY_CHECK and len(applied) < 2
    remediation_forms = remediation_forms or {}
    rows = []
    for check in checks:
        form = None
        if editor and check.status == CheckStatus.REMEDIATION_REQUESTED:
            form = remediation_forms.get(check.pk) or RemediationForm(
                findings=[f for f in check.findings.all() if f.needs_remediation]
            )
        rows.append({"check": check, "remediation_form": form})
    if can_apply and apply_form is None:
        apply_form = CheckApplicationForm()
    if apply_form is not None:
        apply_form.fields["kind"].choices = [c for c in CheckKind.choices if c[0] not in applied]
    return render(
        request,
        "reviews/security_check.html",
        {
            "application": application,
            "rows": rows,
            "apply_form": apply_form if can_apply else None,
        },
    )


@login_required
@require_POST
def security_check_apply(request, pk):
    application = _application(request, pk)
    form = CheckApplicationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            security_check.apply_for_check(
                application=application,
                by=request.user,
                kind=form.cleaned_data["kind"],
                agency=form.cleaned_data["agency"],
                agreed_start=form.cleaned_data["agreed_start"],
                agreed_end=form.cleaned_data["agreed_end"],
                deliverables=form.cleaned_data["deliverables"],
            )
        except PortalError as exc:
            _show_error(request, form, exc)
        else:
            messages.success(request, _("보안점검을 신청했습니다."))
            return redirect("reviews:security_check", pk=application.pk)
    return _render_security_check(request, application, apply_form=form)


@login_required
@require_POST
def security_check_remediate(request, pk, check_pk):
    application = _application(request, pk)
    check = get_object_or_404(SecurityCheck, application=application, pk=check_pk)
    form = RemediationForm(
        request.POST,
        request.FILES,
        findings=[f for f in check.findings.all() if f.needs_remediation],
    )
    if form.is_valid():
        try:
            security_check.submit_remediation(
                check=check,
                by=request.user,
                notes=form.notes(),
                evidence=form.cleaned_data["evidence"],
            )
        except PortalError as exc:
            _show_error(request, form, exc)
        else:
            messages.success(request, _("조치 결과를 제출했습니다."))
            return redirect("reviews:security_check", pk=application.pk)
    return _render_security_check(request, application, remediation_forms={check.pk: form})


# --- agency -------------------------------------------------------------------------------------


@login_required
def agency_checks(request):
    checks = (
        SecurityCheck.objects.assigned_to(request.user)
        .select_related("application__institution", "agency")
        .order_by("status", "applied_at")
    )
    return render(request, "reviews/agency_checks.html", {"checks": checks})


@login_required
def agency_check_detail(request, check_pk):
    check = get_object_or_404(
        SecurityCheck.objects.assigned_to(request.user).select_related(
            "application__institution", "agency"
        ),
        pk=check_pk,
    )
    finding_form = FindingForm(prefix="finding")
    result_form = ResultForm(prefix="result")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start":
                security_check.start_check(check=check, by=request.user)
                messages.success(request, _("점검을 시작했습니다."))
                return redirect("reviews:agency_check", check_pk=check.pk)
            if action == "finding":
                finding_form = FindingForm(request.POST, prefix="finding")
                if finding_form.is_valid():
                    security_check.add_finding(
                        check=check, by=request.user, **finding_form.cleaned_data
                    )
                    messages.success(request, _("결과 항목을 등록했습니다."))
                    return redirect("reviews:agency_check", check_pk=check.pk)
            elif action == "result":
                result_form = ResultForm(request.POST, request.FILES, prefix="result")
                if result_form.is_valid():
                    security_check.submit_result(
                        check=check,
                        by=request.user,
                        summary=result_form.cleaned_data["summary"],
                        report=result_form.cleaned_data["report"],
                        valid_until=result_form.cleaned_data.get("valid_until"),
                    )
                    messages.success(request, _("점검 결과를 센터에 제출했습니다."))
                    return redirect("reviews:agency_check", check_pk=check.pk)
            else:
                raise Http404
        except PortalError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "reviews/agency_check.html",
        {
            "check": check,
            "findings": check.findings.prefetch_related("remediations"),
            "documents": check.documents.all(),
            "finding_form": finding_form,
            "result_form": result_form,
        },
    )


# --- files (private storage, served only to those who may see the object) ---------------------


def _may_see_files(request) -> bool:
    # Staff reach files only from a session that passed MFA, as for the admin.
    return not request.user.is_staff or session_passed_mfa(request)


@login_required
def check_document(request, doc_pk):
    if not _may_see_files(request):
        raise Http404
    document = get_object_or_404(
        CheckDocument.objects.filter(check_record__in=selectors.checks_visible_to(request.user)),
        pk=doc_pk,
    )
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.original_name
    )


@login_required
def checklist_evidence(request, item_pk):
    if not _may_see_files(request):
        raise Http404
    item = get_object_or_404(selectors.checklist_items_visible_to(request.user), pk=item_pk)
    if not item.evidence:
        raise Http404
    return FileResponse(
        item.evidence.open("rb"), as_attachment=True, filename=item.evidence_name or "evidence"
    )
