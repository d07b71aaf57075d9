from rest_framework.routers import DefaultRouter

from .api import NoticeViewSet

router = DefaultRouter()
router.register("notices", NoticeViewSet, basename="api-notice")

urlpatterns = router.urls
