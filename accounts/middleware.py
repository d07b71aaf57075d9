from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .mfa import has_totp, session_passed_mfa


class StaffMFARequiredMiddleware:
    """Keeps staff out of the admin until they have TOTP set up and this session passed it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        if request.path.startswith(self.admin_prefix) and request.path != "/admin/login/":
            response = self._gate(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _gate(self, request):
        user = request.user
        login_url = reverse("account_login") + "?" + urlencode({"next": request.get_full_path()})
        if not user.is_authenticated:
            return redirect(login_url)
        if not user.is_staff:
            return None  # the admin itself refuses non-staff
        if not has_totp(user):
            messages.warning(
                request,
                _("센터 담당자는 관리자 화면에 들어가기 전에 OTP(2단계 인증)를 등록해야 합니다."),
            )
            return redirect(reverse("mfa_activate_totp"))
        if not session_passed_mfa(request):
            logout(request)
            return redirect(login_url)
        return None
