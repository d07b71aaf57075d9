"""Staff review of step 1 (이용승인): the queue, the review page, supplement requests with items,
rejection citing a rule, and the pre-application statistics (DOMAIN §2.1, §11)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from openbanking_portal.errors import PortalError
from policies.calendar import BusinessCalendar

from . import lifecycle, review_queue, statistics, supplement
from .catalogue import ApiService, Qualification
from .models import Application, ApplicationDetails, ReviewQueueItem, ScreeningRuleSet
from .screening import rule_labels
from .uploads import INLINE_KINDS
from .wizard import FORM_STEPS, field_labels, item_label, supplement_choices


class SupplementForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=_("보완 항목"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("보완할 항목을 하나 이상 고르세요.")},
    )
    message = forms.CharField(
        label=_("요청 내용"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("요청 내용을 입력해야 합니다.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = supplement_choices()


class RejectForm(forms.Form):
    rule = forms.ChoiceField(
        label=_("근거 규칙"),
        required=False,
        help_text=_("자동 심사에서 걸린 규칙이 미리 선택됩니다. 통지문에 규칙이 함께 표시됩니다."),
    )
    reason = forms.CharField(
        label=_("사유"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("사유를 입력해야 합니다.")},
    )

    def __init__(self, *args, rules: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [
            ("", "---------"),
            *rule_labels(rules),
            ("other", _("그 밖의 사유 (사유란에 근거 기재)")),
        ]

    def reason_text(self) -> str:
        code = self.cleaned_data["rule"]
        reason = self.cleaned_data["reason"].strip()
        if not code:
            return reason
        label = dict(self.fields["rule"].choices)[code]
        return f"[{code}] {label}\n{reason}"


def reject_initial(application) -> dict:
    """Preselect the first rule the latest screening hit, so the rejection cites it."""
    latest = application.screenings.first()
    if latest is None:
        return {}
    result = latest.result
    hits = [*result.get("exclusion_hits", []), *result.get("service_hits", [])]
    hits += result.get("other_hits", [])
    if hits:
        return {"rule": hits[0]["rule"]}
    return {} if result.get("basis_found") else {"rule": "basis.none"}


def display_value(name: str, value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "예" if value else "아니오"
    if name == "services_wanted":
        return ", ".join(str(dict(ApiService.choices).get(v, v)) for v in value)
    if name == "qualifications":
        return ", ".join(str(dict(Qualification.choices).get(v, v)) for v in value)
    if name in ("annual_revenue",):
        return f"{value:,}원"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def details_sections(application: Application) -> list[dict]:
    """The online form's content, step by step, as the reviewer reads it."""
    try:
        details = application.details
    except ApplicationDetails.DoesNotExist:
        details = None
    labels = field_labels()
    sections = []
    for step in FORM_STEPS:
        rows = []
        for name in step.fields:
            if name == "declarations":
                declared = (details.declarations if details else {}) or {}
                rules = ScreeningRuleSet.objects.in_force().rules
                for item in (*rules.get("exclusions", []), *rules.get("excluded_services", [])):
                    value = declared.get(item["code"])
                    shown = "—" if value is None else ("해당함" if value else "해당 없음")
                    rows.append({"label": item["label"], "value": shown, "alert": value is True})
                continue
            source = application if name in ("service_name", "service_description") else details
            if source is None and name not in ("service_name", "service_description"):
                value = None
            else:
                value = getattr(source, name)
            if name in ("eligibility_basis", "industry", "credit_rating") and details and value:
                value = getattr(details, f"get_{name}_display")()
            rows.append({"label": labels[name], "value": display_value(name, value)})
        sections.append({"label": step.label, "rows": rows})
    return sections


class ReviewQueueAdmin(admin.ModelAdmin):
    """The approval queue (심사 대기열): oldest first, business-day age against the target."""

    list_display = (
        "reference",
        "institution",
        "service_name",
        "state",
        "state_changed_at",
        "age",
        "screening_flag",
    )
    list_display_links = ("reference", "service_name")
    list_select_related = ("institution",)
    ordering = ("state_changed_at", "pk")
    search_fields = ("institution__name", "institution__business_registration_number")
    change_form_template = "admin/applications/reviewqueueitem/change_form.html"
    change_list_template = "admin/applications/reviewqueueitem/change_list.html"

    def get_queryset(self, request):
        return review_queue.waiting_for_decision().prefetch_related("screenings")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # decisions go through the transition forms, never a model form

    def has_view_permission(self, request, obj=None):
        # The queue is a view of applications: whoever may view applications may see it.
        return request.user.has_perm("applications.view_application")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def changelist_view(self, request, extra_context=None):
        self._calendar = BusinessCalendar.current()
        self._today = timezone.localdate()
        self._target = review_queue.approval_target(self._today)
        extra_context = {**(extra_context or {}), "target": self._target}
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("접수번호"))
    def reference(self, obj):
        return obj.reference

    @admin.display(description=_("경과 영업일 / 목표"))
    def age(self, obj):
        age = review_queue.age_of_application(
            obj, today=self._today, calendar=self._calendar, target=self._target
        )
        if age.overdue:
            return format_html(
                '<strong class="overdue" style="color:#b3261e">{} / {} (초과)</strong>',
                age.business_days,
                age.target,
            )
        return f"{age.business_days} / {age.target}"

    @admin.display(description=_("자동 심사"))
    def screening_flag(self, obj):
        results = list(obj.screenings.all())  # prefetched, newest first
        if not results:
            return "—"
        latest = results[0]
        if latest.flagged:
            return format_html('<span style="color:#b3261e">{}</span>', _("검토 필요"))
        return _("특이사항 없음")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        application = get_object_or_404(
            Application.objects.select_related("institution", "details"), pk=object_id
        )
        transitions = [
            {
                "name": t.name,
                "label": t.custom["label"],
                "unmet": lifecycle.unmet_conditions(application, t),
                "url": transition_url(application, t.name),
            }
            for t in lifecycle.available_for(application, request.user, "staff")
        ]
        latest = application.screenings.select_related("ruleset").first()
        documents = list(
            application.documents.select_related("uploaded_by").order_by("doc_type", "-version")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": application,
            "title": _("이용승인 심사 — %s") % application,
            "transitions": transitions,
            "sections": details_sections(application),
            "screening": latest,
            "documents": documents,
            "inline_kinds": INLINE_KINDS,
            "supplements": [
                {"request": r, "items": [item_label(i) for i in r.items]}
                for r in application.supplement_requests.select_related("requested_by")
            ],
            "change_url": reverse("admin:applications_application_change", args=[application.pk]),
        }
        return TemplateResponse(
            request, "admin/applications/reviewqueueitem/change_form.html", context
        )


def transition_url(application, name: str) -> str:
    if name == "request_supplement":
        return reverse("admin:applications_application_supplement", args=[application.pk])
    return reverse("admin:applications_application_transition", args=[application.pk, name])


def supplement_view(model_admin, request, object_id):
    application = get_object_or_404(Application.objects.select_related("institution"), pk=object_id)
    if not model_admin.has_view_permission(request, application):
        raise PermissionDenied
    form = SupplementForm(request.POST or None)
    review_url = reverse("admin:applications_reviewqueueitem_change", args=[application.pk])
    if request.method == "POST" and form.is_valid():
        try:
            supplement.request_supplement(
                application=application,
                by=request.user,
                items=form.cleaned_data["items"],
                message=form.cleaned_data["message"],
            )
        except PortalError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:
                model_admin.message_user(request, exc.message, messages.ERROR)
                return redirect(review_url)
        else:
            model_admin.message_user(request, _("보완을 요청했습니다."), messages.SUCCESS)
            return redirect(reverse("admin:applications_application_change", args=[application.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Application._meta,
        "original": application,
        "title": _("보완 요청 — %s") % application,
        "form": form,
        "change_url": review_url,
        "unmet": [],
    }
    return TemplateResponse(request, "admin/applications/application/supplement.html", context)


def statistics_view(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    rows = statistics.application_statistics()
    from .models import Step

    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Application._meta,
        "title": _("이용신청 현황 (규모별·단계별)"),
        "steps": list(Step),
        "rows": [{"row": r, "cells": [r.by_step[s.value] for s in Step]} for r in rows],
    }
    return TemplateResponse(request, "admin/applications/application/statistics.html", context)


admin.site.register(ReviewQueueItem, ReviewQueueAdmin)


@admin.register(ScreeningRuleSet)
class ScreeningRuleSetAdmin(admin.ModelAdmin):
    """Rules are data: staff add a new version with an effective date; a version in use is frozen
    so every stored screening result can be explained by the rules it was run with."""

    list_display = ("version", "effective_from", "note", "created_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_in_use:
            return ("version", "effective_from", "rules", "note", "created_by")
        return ("created_by",)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
