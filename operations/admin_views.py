"""Admin pages shared by the operations model admins: a file import and a decision with a reason.

Each page calls one service and turns a PortalError into a form error or an admin message, once.
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from openbanking_portal.errors import PortalError

from .usage import UsageRejected


class UploadForm(forms.Form):
    file = forms.FileField(label=_lazy("CSV 파일"))


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_lazy("사유·의견"), widget=forms.Textarea, required=False)


def _changelist(model_admin) -> str:
    opts = model_admin.model._meta
    return f"admin:{opts.app_label}_{opts.model_name}_changelist"


def file_import_page(
    model_admin, request, *, permission: str, title, label, columns, run: Callable
):
    """Upload a CSV; `run(upload)` imports it and returns (message, level). A rejected file shows
    every line at fault."""
    if not request.user.has_perm(permission):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    form.fields["file"].label = label
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            message, level = run(form.cleaned_data["file"])
        except UsageRejected as exc:
            errors = exc.errors
            model_admin.message_user(request, exc.message, messages.ERROR)
        else:
            model_admin.message_user(request, message, level)
            return redirect(_changelist(model_admin))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "form": form,
        "errors": errors,
        "columns": columns,
        "changelist_url": reverse(_changelist(model_admin)),
    }
    return TemplateResponse(request, "admin/operations/usage_import.html", context)


def decision_page(model_admin, request, obj, *, title, run: Callable, change_url: str):
    """Ask for a reason, then `run(reason)`; a refusal is shown on the form or as a message."""
    if not model_admin.has_view_permission(request, obj):
        raise PermissionDenied  # staff without the model permission never see the case
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data["reason"])
        except PortalError as exc:
            if exc.field in ("reason", "note"):
                form.add_error("reason", exc.message)
            else:
                model_admin.message_user(request, exc.message, messages.ERROR)
                return redirect(change_url)
        else:
            model_admin.message_user(request, _("처리되었습니다: %s") % title, messages.SUCCESS)
            return redirect(change_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": obj,
        "title": title,
        "form": form,
        "change_url": change_url,
    }
    return TemplateResponse(request, "admin/operations/decision.html", context)


class DecisionButtonsMixin:
    """Confirm / dismiss buttons on the change page of a case that waits for a staff decision.

    The admin sets `decide_url_name` and implements `decision_buttons_for(obj)` (the confirm label, or None
    when the object is no longer open) and `decide_view(request, object_id, decision)`.
    """

    decide_url_name: str

    def decision_buttons_for(self, obj) -> str | None:
        raise NotImplementedError

    def get_urls(self):
        return [
            path(
                "<int:object_id>/decide/<slug:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name=self.decide_url_name,
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        confirm_label = self.decision_buttons_for(obj) if obj is not None else None
        buttons = []
        if confirm_label is not None:
            for decision, label in (("confirm", confirm_label), ("dismiss", _("기각"))):
                url = reverse(f"admin:{self.decide_url_name}", args=[obj.pk, decision])
                buttons.append({"url": url, "label": label, "name": decision})
        extra_context = {**(extra_context or {}), "decisions": buttons}
        return super().change_view(request, object_id, form_url, extra_context)
