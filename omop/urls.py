from django.urls import path
from django.views.generic import TemplateView

from portal.permissions import CapabilityRequiredMixin


class OmopHome(CapabilityRequiredMixin, TemplateView):
    capability = "omop.run"
    template_name = "omop/home.html"


app_name = "omop"
urlpatterns = [path("", OmopHome.as_view(), name="home")]
