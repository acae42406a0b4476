from django.urls import path, re_path

from . import views

app_name = "access_requests"

_ref = "<str:reference>"
urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("nouveau/", views.dossier_create, name="create"),
    path("enregistrer/", views.dossier_autosave, name="autosave"),
    path("a-traiter/", views.guichet_queue_view, name="queue"),
    path("export.csv", views.dossier_export, name="export"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("repertoire/", views.directory, name="directory"),
    re_path(
        r"^repertoire/export\.(?P<fmt>csv|json)$", views.directory_export, name="directory-export"
    ),
    path(f"repertoire/{_ref}/", views.directory_detail, name="directory-detail"),
    path(f"{_ref}/", views.dossier_detail, name="detail"),
    path(f"{_ref}/modifier/", views.dossier_edit, name="edit"),
    path(f"{_ref}/etapes/<slug:name>/", views.dossier_action, name="action"),
    path(f"{_ref}/documents/ajouter/", views.document_upload, name="document-upload"),
    path(f"{_ref}/documents/<int:pk>/", views.document_download, name="document-download"),
    path(f"{_ref}/messages/", views.message_post, name="message"),
    path(f"{_ref}/equipe/", views.team_add, name="team-add"),
    path(f"{_ref}/equipe/<int:member_id>/retirer/", views.team_remove, name="team-remove"),
    path(f"{_ref}/donnees/", views.data_add, name="data-add"),
    path(f"{_ref}/donnees/<int:item_id>/retirer/", views.data_remove, name="data-remove"),
    path(f"{_ref}/rapporteurs/", views.rapporteur_assign, name="rapporteur-assign"),
    path(f"{_ref}/rapport/", views.report_file, name="report"),
    path(f"{_ref}/cnil/prolonger/", views.cnil_renew, name="cnil-renew"),
    path(f"{_ref}/resultats/", views.results_publish, name="results"),
    re_path(
        r"^(?P<reference>[^/]+)/expression-des-besoins\.(?P<fmt>pdf|odt)$",
        views.needs_document,
        name="needs",
    ),
]
