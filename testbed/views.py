"""Testbed pages: the applicant's test-key page and the simulated user-consent page (OAuth 2.0)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.views import AuthorizationView, TokenView

from applications.models import Membership
from openbanking_portal.errors import PortalError

from . import calls, keys
from .catalogue import API_NAMES, ENDPOINTS, RESPONSE_CODES
from .evidence import evidence_for_many
from .models import SimUser, TestbedProfile, TestClient
from .oauth import log_token_request
from .synthetic import client_use_code, ensure_seeded


class KeyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("키 이름"), max_length=100, initial="개발용")
    redirect_uri = forms.URLField(
        label=gettext_lazy("콜백 URL (redirect_uri)"),
        initial="http://localhost:8080/callback",
        max_length=500,
        assume_scheme="https",
    )


def _institution_of(request, pk):
    return get_object_or_404(keys.eligible_institutions(request.user), pk=pk)


@login_required
def keys_page(request):
    institutions = list(keys.eligible_institutions(request.user).order_by("name"))
    if not institutions:
        return render(request, "testbed/not_eligible.html", status=403)
    selected = request.GET.get("institution")
    institution = next((i for i in institutions if str(i.pk) == selected), institutions[0])
    form = KeyForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = keys.create_key(institution=institution, by=request.user, **form.cleaned_data)
        except PortalError as exc:
            if exc.field:
                form.add_error(exc.field, exc.message)
            else:
                messages.error(request, exc.message)
        else:
            form = KeyForm()
    return _render_keys(request, institution, institutions, form, issued)


def _render_keys(request, institution, institutions, form, issued=None, status=200):
    profile, _created = TestbedProfile.objects.get_or_create(institution=institution)
    codes = list(API_NAMES)
    role = (
        Membership.objects.filter(user=request.user, institution=institution)
        .values_list("role", flat=True)
        .first()
    )
    return render(
        request,
        "testbed/keys.html",
        {
            "institution": institution,
            "institutions": institutions,
            "clients": TestClient.objects.filter(institution=institution).select_related(
                "created_by"
            ),
            "profile": profile,
            "form": form,
            "issued": issued,
            "can_edit": role in {Membership.Role.ADMIN, Membership.Role.EDITOR},
            "client_use_code": client_use_code(institution.pk),
            "endpoints": ENDPOINTS,
            "response_codes": RESPONSE_CODES,
            "evidence": list(evidence_for_many(institution.pk, codes).values()),
            "recent_calls": institution.testbed_calls.all()[:20],
        },
        status=status,
    )


@login_required
@require_POST
def key_rotate(request, institution_pk, pk):
    institution = _institution_of(request, institution_pk)
    try:
        issued = keys.rotate_secret(institution=institution, client_pk=pk, by=request.user)
    except PortalError as exc:
        messages.error(request, exc.message)
        return redirect(_keys_url(institution))
    institutions = list(keys.eligible_institutions(request.user).order_by("name"))
    return _render_keys(request, institution, institutions, KeyForm(), issued)


@login_required
@require_POST
def key_revoke(request, institution_pk, pk):
    institution = _institution_of(request, institution_pk)
    try:
        client = keys.revoke_key(institution=institution, client_pk=pk, by=request.user)
    except PortalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("키 %(id)s를 폐기했습니다.") % {"id": client.client_id})
    return redirect(_keys_url(institution))


@login_required
@require_POST
def sub_merchants(request, institution_pk):
    institution = _institution_of(request, institution_pk)
    try:
        keys.set_sub_merchants(
            institution=institution,
            by=request.user,
            has_sub_merchants=request.POST.get("has_sub_merchants") == "on",
        )
    except PortalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("하위사업자 설정을 저장했습니다."))
    return redirect(_keys_url(institution))


def _keys_url(institution) -> str:
    return f"{reverse('testbed:keys')}?institution={institution.pk}"


class ConsentView(AuthorizationView):
    """사용자로그인연결: the simulated user picks who they are and consents to the scopes.

    The portal user must be a member of the institution that owns the client; the simulated
    users are that institution's synthetic users.
    """

    template_name = "testbed/authorize.html"
    api_code = "oauth_authorize"
    endpoint = "/oauth/2.0/authorize"

    def _client(self, client_id):
        client = (
            TestClient.objects.select_related("institution")
            .filter(client_id=client_id, revoked_at__isnull=True)
            .first()
        )
        if client is None:
            return None
        if (
            not keys.eligible_institutions(self.request.user)
            .filter(pk=client.institution_id)
            .exists()
        ):
            raise Http404
        return client

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        client = self._client(
            self.request.GET.get("client_id") or self.request.POST.get("client_id")
        )
        if client is not None:
            ensure_seeded(client.institution_id)
            context["testbed_client"] = client
            context["sim_users"] = SimUser.objects.filter(
                institution_id=client.institution_id, closed_at__isnull=True
            )
        return context

    def get(self, request, *args, **kwargs):
        self._client(request.GET.get("client_id"))
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        client = self._client(form.cleaned_data.get("client_id"))
        if client is None:
            raise Http404
        self.sim_user = None
        if form.cleaned_data.get("allow"):
            self.sim_user = SimUser.objects.filter(
                institution_id=client.institution_id,
                user_seq_no=self.request.POST.get("user_seq_no", ""),
                closed_at__isnull=True,
            ).first()
            if self.sim_user is None:
                form.add_error(None, _("동의할 가상 사용자를 고르세요."))
                return self.form_invalid(form)
            SimUser.objects.filter(pk=self.sim_user.pk).update(unlinked_at=None)
        response = super().form_valid(form)
        calls.record(
            institution_id=client.institution_id,
            client_id=client.pk,
            api_code=self.api_code,
            endpoint=self.endpoint,
            rsp_code="A0000" if self.sim_user else "O0001",
            http_status=response.status_code,
        )
        return response

    def create_authorization_response(self, request, scopes, credentials, allow):
        # oauthlib copies the credentials onto its request: the validator reads `sim_user`.
        credentials = {**credentials, "sim_user": getattr(self, "sim_user", None)}
        return super().create_authorization_response(request, scopes, credentials, allow)


@method_decorator(csrf_exempt, name="dispatch")
class TestbedTokenView(TokenView):
    """AccessToken획득: the library's token endpoint, with each request logged as evidence."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        client_id = request.POST.get("client_id", "")
        if not client_id and request.headers.get("Authorization", "").startswith("Basic "):
            client_id = _basic_client_id(request.headers["Authorization"])
        if client_id:
            log_token_request(client_id=client_id, status=response.status_code)
        return response


def _basic_client_id(header: str) -> str:
    import base64
    from urllib.parse import unquote

    try:
        decoded = base64.b64decode(header.split(" ", 1)[1]).decode()
    except (ValueError, UnicodeDecodeError):
        return ""
    return unquote(decoded.split(":", 1)[0])
