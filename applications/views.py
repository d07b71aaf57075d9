from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from openbanking_portal.errors import PortalError

from . import filing, lifecycle, views_online
from .dashboard import institution_cards
from .forms import ApplicationForm, InstitutionForm, NewApplicationForm, TransitionForm
from .models import Application, AuditEntry
from .models.application import MAIN_STEPS, STEP_OF_STATE


def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html")


@login_required
def dashboard(request):
    cards = institution_cards(request.user)
    if not cards and request.user.agency_memberships.exists():
        return redirect("reviews:agency_checks")  # a security-check agency user has no institution
    return render(request, "applications/dashboard.html", {"cards": cards})


@login_required
def institution_create(request):
    form = InstitutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            institution = filing.create_institution(by=request.user, **form.cleaned_data)
        except PortalError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, f"{institution.name} 기관이 등록되었습니다.")
            return redirect(f"{reverse('application_create')}?institution={institution.pk}")
    return render(request, "applications/institution_form.html", {"form": form})


@login_required
def application_create(request):
    initial = {"institution": request.GET["institution"]} if request.GET.get("institution") else {}
    form = NewApplicationForm(request.POST or None, user=request.user, initial=initial)
    if not form.fields["institution"].queryset.exists():
        return redirect("institution_create")
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            application = filing.create_application(by=request.user, **data)
        except PortalError as exc:
            form.add_error(exc.field, exc.message)
        else:
            return redirect("application_detail", pk=application.pk)
    return render(request, "applications/application_form.html", {"form": form, "creating": True})


def _visible_application(request, pk) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "institution", "contract", "details"
        ),
        pk=pk,
    )


@login_required
def application_detail(request, pk):
    application = _visible_application(request, pk)
    timeline = AuditEntry.objects.filter(application=application).select_related("actor")
    actions = [
        {"transition": t, "unmet": lifecycle.unmet_conditions(application, t)}
        for t in lifecycle.available_for(application, request.user, "applicant")
    ]
    current = STEP_OF_STATE[application.state]
    editable = application.state in filing.EDITABLE_STATES
    return render(
        request,
        "applications/application_detail.html",
        {
            "application": application,
            "timeline": timeline,
            "actions": actions,
            "steps": MAIN_STEPS,
            "current_step_index": MAIN_STEPS.index(current)
            if current in MAIN_STEPS
            else len(MAIN_STEPS),
            "editable": editable,
            # What is still missing matters only while the applicant can still fill it in.
            "missing": application.missing_items() if editable else [],
            **views_online.status_context(application, editable=editable),
        },
    )


@login_required
def application_edit(request, pk):
    application = _visible_application(request, pk)
    form = ApplicationForm(
        request.POST or None, instance=Application.objects.get(pk=application.pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            filing.update_application(application=application, by=request.user, **form.cleaned_data)
        except PortalError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, "저장되었습니다.")
            return redirect("application_detail", pk=application.pk)
    return render(
        request, "applications/application_form.html", {"form": form, "application": application}
    )


@login_required
@require_POST
def application_transition(request, pk, name):
    application = _visible_application(request, pk)
    t = lifecycle.transition_named(application, name)
    if t is not None and t.custom.get("actor") != "applicant":
        raise Http404
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        lifecycle.apply_transition(
            application=application,
            name=name,
            by=request.user,
            reason=form.cleaned_data.get("reason", ""),
        )
    except PortalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, t.custom["label"] if t else name)
    return redirect("application_detail", pk=application.pk)
