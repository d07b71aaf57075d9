"""Applicant pages after launch: invoices (with PDF) and sub-merchants (DOMAIN §5.2, §8)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from applications.models import Institution
from openbanking_portal.errors import PortalError

from . import submerchants
from .forms import SubMerchantForm
from .models import Invoice

SUB_MERCHANTS_PER_PAGE = 50


def _institution(request, pk: int) -> Institution:
    return get_object_or_404(Institution.objects.of_user(request.user), pk=pk)


@login_required
def invoice_list(request):
    invoices = (
        Invoice.objects.filter(institution__memberships__user=request.user)
        .select_related("institution")
        .order_by("-month", "institution__name")[:240]
    )
    institutions = Institution.objects.of_user(request.user).order_by("name")
    return render(
        request,
        "operations/invoice_list.html",
        {"invoices": invoices, "institutions": institutions},
    )


@login_required
def invoice_pdf(request, pk: int):
    invoice = get_object_or_404(
        Invoice.objects.filter(institution__memberships__user=request.user), pk=pk
    )
    if not invoice.is_ready:
        raise Http404
    return FileResponse(
        invoice.file.open("rb"), as_attachment=True, filename=f"{invoice.number}.pdf"
    )


@login_required
def sub_merchant_list(request, institution_pk: int):
    institution = _institution(request, institution_pk)
    rules = submerchants.rules_in_force()
    form = SubMerchantForm(request.POST or None, rules=rules)
    if request.method == "POST" and form.is_valid():
        try:
            sub = submerchants.submit_sub_merchant(
                institution=institution,
                by=request.user,
                name=form.cleaned_data["name"],
                business_registration_number=form.cleaned_data["business_registration_number"],
                business_description=form.cleaned_data["business_description"],
                self_check=form.self_check(),
            )
        except PortalError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
        else:
            messages.success(request, f"{sub.name}: 센터 승인을 요청했습니다.")
            return redirect("operations:sub_merchants", institution_pk=institution.pk)
    context = {
        "institution": institution,
        # A platform institution can have thousands of sub-merchants.
        "page": Paginator(
            institution.sub_merchants.order_by("-submitted_at", "-pk"), SUB_MERCHANTS_PER_PAGE
        ).get_page(request.GET.get("page")),
        "may_register": submerchants.may_register(institution, rules),
        "form": form,
    }
    return render(request, "operations/sub_merchants.html", context)


@login_required
def sub_merchant_export(request, institution_pk: int):
    institution = _institution(request, institution_pk)
    response = HttpResponse(
        submerchants.approved_csv(institution), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="sub-merchants-{institution.business_registration_number}.csv"'
    )
    return response
