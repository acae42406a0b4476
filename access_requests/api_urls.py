from rest_framework.routers import DefaultRouter

from . import api

app_name = "access_requests_api"

router = DefaultRouter()
router.register("dossiers", api.DossierViewSet, basename="dossier")
router.register("repertoire", api.DirectoryViewSet, basename="directory")

urlpatterns = router.urls
