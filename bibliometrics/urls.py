from django.urls import path

from . import views

app_name = "bibliometrics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicateurs/", views.indicators_page, name="indicators"),
    path("graphiques/<slug:chart>.csv", views.chart_csv, name="chart-csv"),
    path("liste/", views.publication_list, name="publication-list"),
    path("<int:pk>/", views.publication_detail, name="publication-detail"),
    path("<int:pk>/pertinence/", views.publication_relevance, name="publication-relevance"),
    path("imports/", views.import_upload, name="import-upload"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("themes/recalculer/", views.topics_recompute, name="topics-recompute"),
]
