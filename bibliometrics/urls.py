from django.urls import path
from django.views.generic import TemplateView

app_name = "bibliometrics"
urlpatterns = [
    path("", TemplateView.as_view(template_name="bibliometrics/dashboard.html"), name="dashboard")
]
