from django.urls import path

from . import partner_views, staff_views, views

app_name = "catalogue"
urlpatterns = [
    path("", views.home, name="home"),
    path("recherche/", views.search, name="search"),
    path("nomenclatures/", views.nomenclature_list, name="nomenclatures"),
    path("nomenclatures/<str:name>/", views.nomenclature_detail, name="nomenclature"),
    path("dcat.<str:fmt>", views.dcat_catalogue, name="dcat"),
    path("dictionnaire.<str:fmt>", views.dictionary_export, name="dictionary"),
    path("schemas/", views.schema_list, name="schemas"),
    path("schemas/<str:acronym>/<str:product>/", views.schema_detail, name="schema"),
    path("schemas/<str:acronym>/<str:product>.svg", views.schema_download, name="schema-svg"),
    path("partenaires/", partner_views.partner_list, name="partners"),
    path("partenaires/<slug:slug>/", partner_views.partner_detail, name="partner"),
    path(
        "partenaires/<slug:slug>/<int:pk>/",
        partner_views.partner_dataset,
        name="partner-dataset",
    ),
    path("gestion/partenaires/", partner_views.partner_manage, name="partner-manage"),
    path(
        "gestion/partenaires/<int:pk>/collecter/",
        partner_views.partner_harvest_now,
        name="partner-harvest",
    ),
    path("gestion/", views.manage, name="manage"),
    path("gestion/imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("gestion/fichiers/<str:model>/", staff_views.file_import, name="file-import"),
    path("b/<str:acronym>/", views.database_detail, name="database"),
    path("b/<str:acronym>/datapackage.zip", views.datapackage_export, name="datapackage"),
    path("b/<str:acronym>/dcat.<str:fmt>", views.dcat_database, name="database-dcat"),
    path("b/<str:acronym>/variables.<str:fmt>", views.variables_export, name="variables-export"),
    path("b/<str:acronym>/<str:table>/", views.table_detail, name="table"),
    path("b/<str:acronym>/<str:table>/<str:variable>/", views.variable_detail, name="variable"),
]
