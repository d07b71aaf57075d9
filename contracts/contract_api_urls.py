"""Contract-data REST endpoints (main bank, accounts, limits, guarantee, contract PDF), under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .contract_api import ContractViewSet

router = SimpleRouter()
router.register("contracts", ContractViewSet, basename="api-contract")

urlpatterns = router.urls
