import functools
from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from openbanking_portal.errors import PortalError

from . import admin_review, admin_rows, lifecycle
from .admin_filters import InstitutionSizeClassFilter, SizeClassFilter, StepFilter
from .forms import TransitionForm
from .models import Application, AuditEntry, Institution, Membership, ScreeningRuleSet
from .models.application import STEP_OF_STATE


@functools.lru_cache(maxsize=256)
def step_label(state: str, language: str | None) -> str:
    return str(STEP_OF_STATE[state].label)  # `language` is the key: translated in it


class ApplicationChangeList(ChangeList):
    """The queue reads only what its rows show: not the service description (a long text), the
    institution's address and contacts, or the other dates."""

    COLUMNS = ("institution__name", "service_name", "state", "created_at", "state_changed_at")

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).only(*self.COLUMNS)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "brn_display",
        "institution_type",
        "size_class_label",
        "paid_in_capital",
        "created_at",
    )
    list_filter = ("institution_type", InstitutionSizeClassFilter)
    search_fields = ("name", "business_registration_number")
    inlines = [MembershipInline]

    @admin.display(description=_("사업자등록번호"), ordering="business_registration_number")
    def brn_display(self, obj):
        return obj.brn_display

    @admin.display(description=_("규모"))
    def size_class_label(self, obj):
        return obj.size_class_label()


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "institution",
        "service_name",
        "state",
        "step_display",
        "state_changed_at",
    )
    list_filter = (StepFilter, SizeClassFilter, "state")
    search_fields = (
        "institution__name",
        "institution__business_registration_number",
        "service_name",
    )
    list_select_related = ("institution",)
    # At the operator's size an unfiltered COUNT(*) on every filtered page is wasted work: the
    # changelist shows the filtered count and offers "show all" instead of "n of 10,000".
    show_full_result_count = False
    # 50 rows a page (Django's default is 100): staff work a step's queue from the top and search
    # or filter for the rest; each row still costs ~0.2 ms to load and render.
    list_per_page = 50
    readonly_fields = (
        "reference",
        "institution",
        "state",
        "step_display",
        "service_name",
        "service_description",
        "created_by",
        "submitted_at",
        "state_changed_at",
    )
    fields = (
        *readonly_fields[:3],
        "step_display",
        "service_name",
        "service_description",
        "launch_date",
        "created_by",
        "submitted_at",
        "state_changed_at",
    )
    change_form_template = "admin/applications/application/change_form.html"

    def has_add_permission(self, request):
        return False  # applications are filed by applicants

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("단계"))
    def step_display(self, obj):
        # A str, not the lazy label (the admin compares each cell with its empty values, and every
        # comparison of a lazy string translates it again), translated once per state and language.
        return step_label(obj.state, get_language())

    @admin.display(description=_("접수번호"))
    def reference(self, obj):
        return obj.reference

    def get_urls(self):
        return [
            path(
                "<int:object_id>/transition/<slug:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="applications_application_transition",
            ),
            path(
                "<int:object_id>/supplement/",
                self.admin_site.admin_view(partial(admin_review.supplement_view, self)),
                name="applications_application_supplement",
            ),
            path(
                "statistics/",
                self.admin_site.admin_view(partial(admin_review.statistics_view, self)),
                name="applications_application_statistics",
            ),
            *super().get_urls(),
        ]

    def get_changelist(self, request, **kwargs):
        return ApplicationChangeList

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = getattr(response, "context_data", {}).get("cl")
        if cl is not None:  # the rows for change_list.html, worked out per column (admin_rows)
            response.context_data.update(admin_rows.result_list_context(cl))
        return response

    def get_object(self, request, object_id, from_field=None):
        # ModelAdmin.get_object with the institution and the author the change page shows loaded
        # in the same query (not two more).
        queryset = self.get_queryset(request).select_related("institution", "created_by")
        field = self.opts.pk if from_field is None else self.opts.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (Application.DoesNotExist, ValidationError, ValueError):
            return None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Here rather than in change_view: the admin has loaded `obj` already (no second query).
        if obj is not None:
            context["audit_trail"] = (
                obj.audit_entries.select_related("actor")
                if self.admin_site.get_model_admin(AuditEntry).has_view_permission(request)
                else None
            )
            context["transitions"] = [
                {
                    "name": t.name,
                    "label": t.custom["label"],
                    "unmet": lifecycle.unmet_conditions(obj, t),
                    "url": admin_review.transition_url(obj, t.name),
                }
                for t in lifecycle.available_for(obj, request.user, "staff")
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def transition_view(self, request, object_id, name):
        application = get_object_or_404(
            Application.objects.select_related("institution"), pk=object_id
        )
        t = lifecycle.transition_named(application, name)
        if t is not None and t.custom.get("actor") != "staff":
            raise Http404
        if not self.has_view_permission(request, application):
            raise PermissionDenied
        if name == "request_supplement" and request.method != "POST":
            # The page staff reach from the buttons names the items; a bare reason still works.
            return redirect(admin_review.transition_url(application, name))
        if name == "reject":  # a rejection cites the rule it rests on
            rules = ScreeningRuleSet.objects.in_force().rules
            form = admin_review.RejectForm(
                request.POST or None, rules=rules, initial=admin_review.reject_initial(application)
            )
        else:
            form = TransitionForm(request.POST or None)
        change_url = reverse("admin:applications_application_change", args=[application.pk])
        if request.method == "POST" and form.is_valid():
            try:
                if name in ("approve", "suspend", "terminate"):  # issue 10: approval chains
                    from approvals.chains import decide

                    outcome = decide(
                        application=application,
                        decision=name,
                        by=request.user,
                        comment=form.cleaned_data["reason"],
                        reason=form.cleaned_data["reason"],
                    )
                    if not outcome.completed:
                        self.message_user(
                            request,
                            _("%(level)d/%(of)d 단계 승인 기록됨")
                            % {"level": outcome.level, "of": outcome.of_levels},
                            messages.SUCCESS,
                        )
                        return redirect(change_url)
                else:
                    lifecycle.apply_transition(
                        application=application,
                        name=name,
                        by=request.user,
                        reason=form.reason_text()
                        if name == "reject"
                        else form.cleaned_data["reason"],
                    )
            except PortalError as exc:
                if exc.field:
                    form.add_error(exc.field, exc.message)
                else:
                    self.message_user(request, exc.message, messages.ERROR)
                    return redirect(change_url)
            else:
                self.message_user(
                    request, _("처리되었습니다: %s") % t.custom["label"], messages.SUCCESS
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": application,
            "title": t.custom["label"] if t else name,
            "transition": t,
            "unmet": lifecycle.unmet_conditions(application, t) if t else [],
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/applications/application/transition.html", context)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "application", "institution", "actor", "from_state", "to_state")
    list_filter = ("action",)
    search_fields = ("application__institution__name", "institution__name", "reason")
    list_select_related = ("application__institution", "institution", "actor")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
