"""Staff pages under the admin (so the staff MFA gate applies): the SLA board (open cases, red
first, and the escalations), the SLA report with CSV and XLSX export, and the monitoring warnings with
their confirm / dismiss decisions. Each page calls one service."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from operations.admin_views import DecisionButtonsMixin, decision_page

from . import monitoring
from .clocks import open_cases
from .models import Escalation, MonitoringWarning, SlaStep
from .report import report_csv, report_xlsx, sla_report

VIEW_ESCALATION = "casework.view_escalation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = (
        "application",
        "step",
        "started_on",
        "elapsed_days",
        "target_days",
        "created_at",
        "notified_at",
    )
    list_filter = ("step",)
    list_select_related = ("application__institution",)
    search_fields = ("application__institution__name",)
    readonly_fields = [f.name for f in Escalation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "board/",
                self.admin_site.admin_view(self.board_view),
                name="casework_sla_board",
            ),
            path(
                "report/",
                self.admin_site.admin_view(self.report_view),
                name="casework_sla_report",
            ),
            *super().get_urls(),
        ]

    def board_view(self, request):
        """Open cases with their clock, red first; the escalations of the last 30 days below."""
        if not request.user.has_perm(VIEW_ESCALATION):
            raise PermissionDenied
        since = timezone.now() - timezone.timedelta(days=30)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("SLA 현황"),
            "cases": open_cases(),
            "steps": dict(SlaStep.choices),
            "escalations": Escalation.objects.filter(created_at__gte=since).select_related(
                "application__institution"
            ),
        }
        return TemplateResponse(request, "admin/casework/sla_board.html", context)

    def report_view(self, request):
        if not request.user.has_perm(VIEW_ESCALATION):
            raise PermissionDenied
        try:
            year = int(request.GET.get("year") or timezone.localdate().year)
        except ValueError:
            year = timezone.localdate().year
        rows = sla_report(year=year)
        export = request.GET.get("format")
        if export == "csv":
            response = HttpResponse(report_csv(rows), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="sla-report-{year}.csv"'
            return response
        if export == "xlsx":
            response = HttpResponse(report_xlsx(rows, year=year), content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="sla-report-{year}.xlsx"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("SLA 보고서 (%(year)s년)") % {"year": year},
            "rows": rows,
            "year": year,
        }
        return TemplateResponse(request, "admin/casework/sla_report.html", context)


@admin.register(MonitoringWarning)
class MonitoringWarningAdmin(DecisionButtonsMixin, admin.ModelAdmin):
    list_display = ("day", "institution", "rule_code", "proposed_action", "status", "decided_at")
    list_filter = ("status", "proposed_action", "rule_code")
    search_fields = ("institution__name",)
    list_select_related = ("institution",)
    readonly_fields = [f.name for f in MonitoringWarning._meta.fields]
    change_form_template = "admin/operations/change_form_decisions.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    decide_url_name = "casework_monitoringwarning_decide"

    def decision_buttons_for(self, obj):
        return (
            _("확정: %s") % obj.get_proposed_action_display()
            if obj.status == MonitoringWarning.Status.OPEN
            else None
        )

    def decide_view(self, request, object_id, decision):
        warning = get_object_or_404(
            MonitoringWarning.objects.select_related("institution", "application"), pk=object_id
        )
        if decision not in ("confirm", "dismiss"):
            raise Http404
        change_url = reverse("admin:casework_monitoringwarning_change", args=[warning.pk])
        if decision == "confirm":
            title = _("확정: %s") % warning.get_proposed_action_display()

            def run(reason):
                return monitoring.confirm_warning(warning=warning, by=request.user, reason=reason)
        else:
            title = _("기각")

            def run(reason):
                return monitoring.dismiss_warning(warning=warning, by=request.user, reason=reason)

        return decision_page(self, request, warning, title=title, run=run, change_url=change_url)
