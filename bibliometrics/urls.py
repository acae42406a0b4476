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
    path("citations/rafraichir/", views.citations_refresh, name="citations-refresh"),
    path("curation/", views.curation_queue, name="curation-queue"),
    path("curation/modele/", views.model_train, name="model-train"),
    path("rapprochements/<int:pk>/separer/", views.merge_undo, name="merge-undo"),
    path("affiliations/<int:pk>/", views.affiliation_correct, name="affiliation-correct"),
    path("requetes/", views.query_list, name="query-list"),
    path("requetes/<int:pk>/", views.query_detail, name="query-detail"),
    path("requetes/<int:pk>/rafraichir/", views.query_refresh, name="query-refresh"),
    path("requetes/<int:pk>/confirmer/", views.query_confirm, name="query-confirm"),
]
