from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import path
from django.views.generic import TemplateView


class DossierList(LoginRequiredMixin, TemplateView):
    template_name = "access_requests/list.html"


app_name = "access_requests"
urlpatterns = [
    path("", DossierList.as_view(), name="list"),
    path("repertoire/", TemplateView.as_view(template_name="access_requests/directory.html"),
         name="directory"),
]
