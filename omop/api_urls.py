from rest_framework.routers import DefaultRouter

from . import api

app_name = "omop_api"

router = DefaultRouter()
router.register("jobs", api.EtlJobViewSet, basename="etl-job")

urlpatterns = router.urls
