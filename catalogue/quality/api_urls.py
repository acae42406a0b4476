from rest_framework.routers import SimpleRouter

from . import api

app_name = "quality_api"

router = SimpleRouter()
router.register("runs", api.RunViewSet, basename="run")
router.register("files", api.DataFileViewSet, basename="file")
router.register("tables", api.TableQualityViewSet, basename="table")
router.register("variables", api.VariableQualityViewSet, basename="variable")
router.register("databases", api.DatabaseQualityViewSet, basename="database")

urlpatterns = router.urls
