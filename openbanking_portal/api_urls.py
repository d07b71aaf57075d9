"""/api/v1/: each app contributes its own `api_urls.py`; the OpenAPI schema and its docs page live here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("", include("applications.api_urls")),
    path("", include("reviews.api_urls")),
    path("", include("contracts.api_urls")),
    path("", include("contracts.contract_api_urls")),
    path("", include("integrations.api_urls")),
    path("", include("operations.api_urls")),
    path("", include("notifications.api_urls")),
]
