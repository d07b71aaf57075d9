from rest_framework.routers import DefaultRouter

from .api import (
    ApiTokenViewSet,
    ApplicationViewSet,
    InstitutionViewSet,
    WebhookDeliveryViewSet,
    WebhookViewSet,
)

router = DefaultRouter()
router.register("institutions", InstitutionViewSet, basename="api-institution")
router.register("applications", ApplicationViewSet, basename="api-application")
router.register("tokens", ApiTokenViewSet, basename="api-token")
router.register("webhooks", WebhookViewSet, basename="api-webhook")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="api-webhook-delivery")

urlpatterns = router.urls
