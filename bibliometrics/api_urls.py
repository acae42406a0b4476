"""Routes of the public publications API (the viewsets are in api.py)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("publications", api.PublicationViewSet, basename="publications-publication")
router.register("components", api.ComponentViewSet, basename="publications-component")
router.register("areas", api.AreaViewSet, basename="publications-area")
router.register("topics", api.TopicViewSet, basename="publications-topic")

urlpatterns = [
    path("indicators/", api.IndicatorsView.as_view(), name="publications-indicators"),
    *router.urls,
]
