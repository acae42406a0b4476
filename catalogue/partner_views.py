"""The "partenaires" section: partner catalogues harvested read-only (public), and the
curators' page that registers and harvests them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.permissions import capability_required
from portal.roles import Capability

from . import selectors
from .forms import PartnerCatalogueForm
from .models import PartnerCatalogue
from .services import partners as services


def partner_list(request):
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.partner_datasets(q), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/partners.html",
        {"partners": selectors.partners_public(), "page_obj": page, "q": q},
    )


def partner_detail(request, slug):
    partner = selectors.partner_get(slug)
    page = Paginator(selectors.partner_datasets(partner=partner), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "catalogue/partner.html", {"partner": partner, "page_obj": page})


def partner_dataset(request, slug, pk):
    partner = selectors.partner_get(slug)
    dataset = get_object_or_404(selectors.partner_datasets(partner=partner), pk=pk)
    return render(
        request, "catalogue/partner_dataset.html", {"partner": partner, "dataset": dataset}
    )


@capability_required(Capability.CATALOGUE_CURATE)
def partner_manage(request):
    form = PartnerCatalogueForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_register(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            job = services.partner_harvest_start(partner=partner, by=request.user)
            messages.success(request, _("Catalogue partenaire enregistré : collecte lancée."))
            return redirect(job.get_absolute_url())
    return render(
        request,
        "catalogue/partner_manage.html",
        {"form": form, "partners": PartnerCatalogue.objects.order_by("name")},
    )


@capability_required(Capability.CATALOGUE_CURATE)
@require_POST
def partner_harvest_now(request, pk):
    partner = get_object_or_404(PartnerCatalogue, pk=pk)
    job = services.partner_harvest_start(partner=partner, by=request.user)
    messages.info(request, _("Collecte lancée."))
    return redirect(job.get_absolute_url())
