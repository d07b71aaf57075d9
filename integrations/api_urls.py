from rest_framework.routers import DefaultRouter

from .api import ApiTokenViewSet, ApplicationViewSet, InstitutionViewSet

router = DefaultRouter()
router.register("institutions", InstitutionViewSet, basename="api-institution")
router.register("applications", ApplicationViewSet, basename="api-application")
router.register("tokens", ApiTokenViewSet, basename="api-token")

urlpatterns = router.urls
