from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("code-lists", api.CodeListViewSet, basename="code-lists")

urlpatterns = [path("codes/", api.code_search, name="codes-search"), *router.urls]
