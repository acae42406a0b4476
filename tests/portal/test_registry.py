"""The portal finds each app's home cards, demo seeders and menu entries by looking."""

import sys

import pytest

from portal.registry import app_modules, demo_seeders, navigation_modules


def test_every_app_brings_its_home_cards_in_the_order_of_installed_apps():
    assert [label for label, _ in app_modules("home")] == [
        "catalogue", "quality", "codelists", "omop", "bibliometrics", "access_requests",
    ]  # fmt: skip


@pytest.mark.django_db
def test_demo_data_is_seeded_after_what_it_builds_on():
    order = [label for label, _ in demo_seeders()]
    assert set(order) == {
        "catalogue",
        "quality",
        "codelists",
        "omop",
        "bibliometrics",
        "access_requests",
    }
    assert order.index("omop") < order.index("quality")  # profiles the OMOP output
    assert order.index("access_requests") < order.index("codelists")  # alice's dossier
    assert order.index("omop") < order.index("codelists")


@pytest.mark.django_db
def test_the_menu_and_site_map_follow_each_apps_order(client):
    assert [m.__name__ for m in navigation_modules()] == [
        "catalogue.navigation", "bibliometrics.navigation", "access_requests.navigation",
        "omop.navigation",
    ]  # fmt: skip
    sitemap = client.get("/pages/plan-du-site/").content.decode().split('data-testid="sitemap"')[1]
    titles = ["Catalogue", "Publications SNDS", "Projets", "Compte et outils"]
    places = [sitemap.index(f"<li>{title}") for title in titles]
    assert places == sorted(places)
    assert "Conversions OMOP" not in sitemap  # only for those who may run one


def test_a_broken_app_module_fails_loudly_instead_of_hiding_the_app(monkeypatch):
    def failing_import(*args, **kwargs):
        raise ImportError("cannot import name 'cards' (a typo in the app)")

    monkeypatch.delitem(sys.modules, "bibliometrics.home", raising=False)
    monkeypatch.setattr("django.utils.module_loading.import_module", failing_import)
    with pytest.raises(ImportError, match="typo"):
        app_modules("home")
