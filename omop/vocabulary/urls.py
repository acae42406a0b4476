from django.urls import path

from . import views

urlpatterns = [
    path("", views.vocabulary_home, name="vocabulary"),
    path("stcm.csv", views.stcm_export, name="stcm-export"),
    path("usagi.csv", views.usagi_export, name="usagi-export"),
    path("comparer/", views.alignment_compare, name="alignment-compare"),
    path("conversions/<uuid:pk>/alignement/", views.alignment, name="alignment"),
    path("conversions/<uuid:pk>/revue/", views.review, name="review"),
    path("conversions/<uuid:pk>/decision/", views.decide, name="decide"),
]
