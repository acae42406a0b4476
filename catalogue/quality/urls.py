from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.run_list, name="home"),
    path("profilages/<int:pk>/", views.run_detail, name="run"),
    path("profiler/<str:acronym>/<str:table>/", views.profile, name="profile"),
    path("regles/<str:acronym>/<str:table>/<str:variable>/", views.rules, name="rules"),
    path("b/<str:acronym>/", views.database_quality, name="database"),
    path("b/<str:acronym>/<str:table>/", views.table_quality, name="table"),
    path("b/<str:acronym>/<str:table>/<str:variable>/", views.variable_quality, name="variable"),
]
