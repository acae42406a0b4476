from django.urls import include, path

from . import views

app_name = "omop"
urlpatterns = [
    path("", views.job_list, name="home"),
    path("jobs/new/", views.job_create, name="job-create"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<uuid:pk>/progress/", views.job_progress, name="job-progress"),
    path("jobs/<uuid:pk>/cancel/", views.job_cancel, name="job-cancel"),
    path("jobs/<uuid:pk>/retry/", views.job_retry, name="job-retry"),
    path("jobs/<uuid:pk>/download/", views.job_download, name="job-download"),
    path("jobs/<uuid:pk>/results/", views.job_results, name="job-results"),
    path("jobs/<uuid:pk>/register/", views.job_register, name="job-register"),
    path("vocabulaires/", include("omop.vocabulary.urls")),
]
