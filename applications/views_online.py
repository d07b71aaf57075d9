"""Applicant pages of the online application: the steps, the documents, the review-and-submit page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.mfa import session_passed_mfa
from openbanking_portal.errors import PortalError

from . import documents as document_service
from . import lifecycle, online_form
from .catalogue import DocumentType
from .completeness import missing_online_items
from .models import Application, ApplicationDetails, Document, ScreeningRuleSet, State
from .supplement import editable_items, open_request
from .uploads import INLINE_KINDS
from .wizard import STEP_NAMES, STEPS, item_label, next_step, step_named, step_of_item
from .wizard_forms import FORMS, DocumentUploadForm, initial_for


def _application(request, pk) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related("institution", "details"),
        pk=pk,
    )


def _details(application) -> ApplicationDetails | None:
    try:
        return application.details
    except ApplicationDetails.DoesNotExist:
        return None


def _context(application, step_name, editable, **extra):
    request_ = (
        open_request(application) if application.state == State.SUPPLEMENT_REQUESTED else None
    )
    requested_steps = {step_of_item(i) for i in request_.items} if request_ else set()
    return {
        "application": application,
        "wizard_steps": STEPS,
        "current": step_named(step_name),
        "current_index": STEP_NAMES.index(step_name),
        "supplement": request_,
        "supplement_items": [item_label(i) for i in request_.items] if request_ else [],
        "requested_steps": requested_steps,
        "read_only": editable is not None and not editable,
        **extra,
    }


def _form(step, application, details, editable, data=None):
    kwargs = {"initial": initial_for(step, application, details), "editable": editable}
    if step == "declarations":
        kwargs["rules"] = ScreeningRuleSet.objects.in_force().rules
    return FORMS[step](data, **kwargs)


@login_required
def application_step(request, pk, step):
    application = _application(request, pk)
    if step == "documents":
        return _documents_step(request, application)
    if step == "review":
        return _review_step(request, application)
    if step not in FORMS:
        raise Http404
    details = _details(application)
    editable = editable_items(application)
    # An empty POST is still a submission (a bound form), never an unbound one that has no values.
    form = _form(
        step, application, details, editable, request.POST if request.method == "POST" else None
    )
    if request.method == "POST":
        form.is_valid()
        try:
            online_form.save_step(application=application, by=request.user, data=form.values())
        except PortalError as exc:
            messages.error(request, exc.message)
            return redirect("application_step", pk=application.pk, step=step)
        if not form.errors:
            messages.success(request, _("저장되었습니다."))
            target = next_step(step) if "next" in request.POST else step
            return redirect("application_step", pk=application.pk, step=target)
        messages.error(request, _("입력값을 확인해 주세요. 올바른 항목은 저장되었습니다."))
    return render(
        request, "applications/step_form.html", _context(application, step, editable, form=form)
    )


def _documents_step(request, application):
    editable = editable_items(application)
    allowed = [
        (value, label)
        for value, label in DocumentType.choices
        if editable is None or f"document:{value}" in editable
    ]
    form = DocumentUploadForm(request.POST or None, request.FILES or None, doc_types=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            online_form.details_of(application)  # documents belong to the online form
            document = document_service.upload_document(
                application=application,
                by=request.user,
                doc_type=form.cleaned_data["doc_type"],
                upload=form.cleaned_data["file"],
            )
        except PortalError as exc:
            form.add_error("file" if exc.field in (None, "file") else exc.field, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s 서류가 제출되었습니다 (버전 %(version)s).")
                % {"name": document.get_doc_type_display(), "version": document.version},
            )
            return redirect("application_step", pk=application.pk, step="documents")
    docs = application.documents.select_related("uploaded_by").order_by("doc_type", "-version")
    return render(
        request,
        "applications/step_documents.html",
        _context(
            application,
            "documents",
            editable,
            form=form,
            documents=docs,
            can_upload=bool(allowed) and (editable is None or bool(editable)),
        ),
    )


def _review_step(request, application):
    editable = editable_items(application)
    t_name = "resubmit" if application.state == State.SUPPLEMENT_REQUESTED else "submit"
    t = lifecycle.transition_named(application, t_name)
    return render(
        request,
        "applications/step_review.html",
        _context(
            application,
            "review",
            editable,
            details=_details(application),
            missing=application.missing_items(),
            documents=application.documents.current().order_by("doc_type"),
            transition=t if t and t.has_perm(application, request.user) else None,
        ),
    )


@login_required
@require_POST
def application_start_online(request, pk):
    application = _application(request, pk)
    try:
        online_form.save_step(application=application, by=request.user, data={})
    except PortalError as exc:
        messages.error(request, exc.message)
        return redirect("application_detail", pk=application.pk)
    return redirect("application_step", pk=application.pk, step=STEPS[0].name)


@login_required
def document_download(request, pk, document_pk):
    """Only the owning institution's members and staff ever get a document's bytes."""
    application = _application(request, pk)
    if request.user.is_staff and not session_passed_mfa(request):
        raise PermissionDenied  # staff read applicants' documents only from an MFA session
    document = get_object_or_404(Document, application=application, pk=document_pk)
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.mime_type,
        as_attachment=document.detected_type not in INLINE_KINDS,
        filename=document.original_name or f"document-{document.pk}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if document.detected_type not in INLINE_KINDS:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # The staff viewer embeds PDFs and images from the same site.
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def status_context(application, *, editable: bool) -> dict:
    """Extra sections of the status page: what is missing, the reviewer's requests, documents."""
    details = _details(application)
    request_ = (
        open_request(application) if application.state == State.SUPPLEMENT_REQUESTED else None
    )
    return {
        "online": details is not None,
        "online_missing": missing_online_items(application)
        if details is not None and editable
        else [],
        "supplement": request_,
        "supplement_items": [item_label(i) for i in request_.items] if request_ else [],
        "documents": application.documents.current().order_by("doc_type")
        if details is not None
        else [],
    }
