from django.urls import path

from . import views

app_name = "codelists"
urlpatterns = [
    path("codes/", views.code_search, name="search"),
    path("codes/<str:system>/<str:code>/", views.code_detail, name="code"),
    path("listes/", views.list_index, name="index"),
    path("referentiels/importer/", views.referential_import, name="import"),
    path("listes/nouvelle/", views.list_create, name="create"),
    path("listes/ajouter/", views.codes_add, name="add"),
    path("listes/<int:pk>/", views.list_detail, name="detail"),
    path("listes/<int:pk>/modifier/", views.list_edit, name="edit"),
    path("listes/<int:pk>/export.<str:fmt>", views.list_export, name="export"),
    path("listes/<int:pk>/compter/", views.list_count, name="count"),
]
