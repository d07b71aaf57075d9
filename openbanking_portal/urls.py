from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.http import urlencode
from django.views.i18n import set_language


def admin_login(request):
    # The admin's own login form would bypass allauth's MFA stage: send everyone through allauth.
    if request.user.is_authenticated and not request.user.is_staff:
        raise PermissionDenied("센터 담당자 전용 화면입니다.")
    return redirect("/accounts/login/?" + urlencode({"next": request.GET.get("next", "/admin/")}))


def healthz(request):
    """Liveness probe, and the bare view the benchmarks compare pages against."""
    return JsonResponse({"ok": True})


urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("openbanking_portal.api_urls")),
    path("reviews/", include("reviews.urls")),
    path("contracts/", include("contracts.urls")),
    path("contracting/", include("contracts.portal_urls")),
    path("testbed/", include("testbed.urls")),
    path("operations/", include("operations.urls")),
    path("notices/", include("notifications.urls")),
    path("", include("applications.urls")),
]
