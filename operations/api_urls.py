from rest_framework.routers import DefaultRouter

from .api import InvoiceViewSet, SubMerchantViewSet, UsageViewSet

router = DefaultRouter()
router.register("usage", UsageViewSet, basename="api-usage")
router.register("invoices", InvoiceViewSet, basename="api-invoice")
router.register("sub-merchants", SubMerchantViewSet, basename="api-sub-merchant")

urlpatterns = router.urls
