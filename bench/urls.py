"""The portal's URLs plus one bare view per kind of request, for `bench.pages` only (never served).

Each page is compared with the bare view of its kind: the same middleware, the same authentication
(session and user, the admin's staff and MFA gate, the API token), and no work of its own. The
anonymous `/healthz/` stays in the table as the floor of the whole stack.
"""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from openbanking_portal.urls import urlpatterns as portal_urlpatterns


@login_required
def signed_in(request):
    return HttpResponse("ok")


def staff(request):
    return HttpResponse("ok")


class TokenApi(APIView):
    """The API's default authentication, permission and throttle classes, as every endpoint."""

    def get(self, request):
        return Response({})


urlpatterns = [
    path("bench/bare/signed-in/", signed_in, name="bench_bare_signed_in"),
    # Under /admin/ like every admin page: the staff MFA middleware gates it too.
    path("admin/bench-bare/", admin.site.admin_view(staff), name="bench_bare_admin"),
    path("bench/bare/api/", TokenApi.as_view(), name="bench_bare_api"),
    *portal_urlpatterns,
]
