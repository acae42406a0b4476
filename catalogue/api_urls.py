from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("databases", api.DatabaseViewSet, basename="catalogue-databases")
router.register("tables", api.TableViewSet, basename="catalogue-tables")
router.register("variables", api.VariableViewSet, basename="catalogue-variables")
router.register("nomenclatures", api.NomenclatureViewSet, basename="catalogue-nomenclatures")
router.register("values", api.NomenclatureValueViewSet, basename="catalogue-values")
router.register("join-keys", api.JoinKeyViewSet, basename="catalogue-join-keys")

urlpatterns = [path("search/", api.search, name="catalogue-search"), *router.urls]
