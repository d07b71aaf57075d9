"""REST endpoints of this app, mounted under /api/v1/ by openbanking_portal/api_urls.py."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "scoring/self-certification/",
        api.SelfCertificationView.as_view(),
        name="api_scoring_self_certification",
    ),
    path(
        "scoring/centre-guarantee/",
        api.CentreGuaranteeView.as_view(),
        name="api_scoring_centre_guarantee",
    ),
]
