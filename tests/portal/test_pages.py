"""The DSFR error pages and the footer's pages, in the page's language."""

import pytest
from django.urls import reverse

from portal.views import INFO_PAGES

pytestmark = pytest.mark.django_db


def _diagnostics_job(cast):
    """A job of the data user that nobody runs: enough for its pages."""
    from portal.jobs import job_enqueue

    return job_enqueue(
        kind="portal.diagnostics",
        title="Diagnostic",
        by=cast.data,
    )


def test_a_missing_page_is_the_dsfr_404_in_french_with_a_way_back(client):
    response = client.get("/catalogue/b/NOPE/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page non trouvée" in page and "Erreur 404" in page
    assert 'data-testid="error-home"' in page and "Page d’accueil" in page
    assert "Not Found" not in page


def test_the_404_page_speaks_english_to_an_english_visitor(client):
    client.cookies["django_language"] = "en"
    response = client.get("/nowhere/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and "Home page" in page
    assert "Page non trouvée" not in page


def test_another_users_job_answers_the_same_404_page(client, cast):

    job = _diagnostics_job(cast)
    client.force_login(cast.charlie)
    response = client.get(f"/jobs/{job.pk}/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_the_500_page_is_the_dsfr_one(rf, cast):
    from portal.views import server_error

    request = rf.get("/")
    request.user = cast.alice
    response = server_error(request)
    assert response.status_code == 500
    assert "Erreur inattendue" in response.content.decode()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_footer_link_opens_a_page(client, language):
    client.cookies["django_language"] = language
    home = client.get("/").content.decode()
    for slug in INFO_PAGES:
        url = reverse("page", args=[slug])
        if slug != "parametres-affichage":  # a button opening the display modal
            assert f'href="{url}' in home, slug
        response = client.get(url)
        assert response.status_code == 200, slug
        assert f'data-testid="info-page-{slug}"' in response.content.decode()


def test_the_cookie_page_lists_the_cookies_the_portal_sets(client):
    page = client.get(reverse("page", args=["cookies"])).content.decode()
    for name in ("sessionid", "csrftoken", "django_language"):
        assert name in page


def test_the_site_map_shows_staff_pages_only_to_staff(client, cast):
    anonymous = client.get(reverse("page", args=["plan-du-site"])).content.decode()
    assert reverse("catalogue:search") in anonymous
    assert reverse("omop:home") not in anonymous
    client.force_login(cast.data)
    staff = client.get(reverse("page", args=["plan-du-site"])).content.decode()
    assert reverse("omop:home") in staff


def test_a_job_page_has_a_breadcrumb_back_to_the_job_list(client, cast):

    job = _diagnostics_job(cast)
    client.force_login(cast.data)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    crumb = page[page.index('data-testid="breadcrumb"') :]
    crumb = crumb[: crumb.index("</nav>")]
    assert reverse("portal:job-list") in crumb and "Diagnostic" in crumb


def test_the_search_and_the_dashboard_have_a_breadcrumb(client):
    for url in ("/catalogue/recherche/?q=date", "/publications/"):
        assert 'data-testid="breadcrumb"' in client.get(url).content.decode(), url


def test_file_fields_use_the_dsfr_upload_component(client, cast):
    client.force_login(cast.data)
    for url in ("/omop/jobs/new/", "/catalogue/gestion/"):
        page = client.get(url).content.decode()
        assert 'class="fr-upload-group' in page and 'class="fr-upload"' in page, url


def test_country_names_follow_the_page_language():
    from portal.countries import country_name

    assert country_name("DEU", "fr") == "Allemagne"
    assert country_name("DEU", "en") == "Germany"
    assert country_name("GBR", "fr") == "Royaume-Uni"


def test_durations_read_like_french_on_french_pages():
    from django.utils import translation

    from portal.templatetags.portal_tags import duration

    with translation.override("fr"):
        assert duration(3.62) == "3,6 s"
        assert duration(125) == "2 min 05 s"
    with translation.override("en"):
        assert duration(3.62) == "3.6 s"


def test_long_lists_show_page_numbers_and_keep_their_filters():
    from portal.pagination import page_numbers, page_url

    assert page_numbers(5, 20) == [1, None, 3, 4, 5, 6, 7, None, 20]
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_url("year=2015&page=2", 3) == "?year=2015&page=3"


def test_a_staff_page_refuses_a_project_leader_with_the_dsfr_403(client, cast):
    client.force_login(cast.alice)
    response = client.get("/omop/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Accès refusé" in page and "Erreur 403" in page and 'data-testid="error-home"' in page


def test_a_job_message_reads_in_the_page_language(client, cast):
    from portal.models import Job

    job = _diagnostics_job(cast)
    Job.objects.filter(pk=job.pk).update(message="omop.step:visit_occurrence")
    client.force_login(cast.data)
    assert "visites (visit_occurrence)" in client.get(f"/jobs/{job.pk}/").content.decode()
    client.cookies["django_language"] = "en"
    assert "visits (visit_occurrence)" in client.get(f"/jobs/{job.pk}/").content.decode()
    Job.objects.filter(pk=job.pk).update(message="Diagnostic terminé.")
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Diagnostic terminé." not in page


def test_an_engine_error_with_parameters_reads_in_the_page_language(client, cast):
    """A worker stores an engine error as its code and parameters; the job page and the API
    word it in the reader's language."""
    from omop.etl.errors import InputError
    from omop.labels import input_error_message
    from portal.models import Job

    job = _diagnostics_job(cast)
    error = input_error_message(InputError("empty_file", file="ER_PRS_F.csv"))
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=error)
    client.force_login(cast.data)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "ER_PRS_F.csv est vide : il lui faut au moins une ligne d&#x27;en-tête." in page
    assert client.get(f"/api/jobs/{job.pk}/").json()["error"].startswith("ER_PRS_F.csv est vide")
    client.cookies["django_language"] = "en"
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "ER_PRS_F.csv is empty: it needs at least a header line." in page
    assert "omop.input" not in page


@pytest.mark.parametrize("url", ["/publications/", "/publications/indicateurs/", "/catalogue/"])
def test_every_script_and_stylesheet_a_page_names_is_one_of_its_static_files(client, url):
    """The indicators page once asked for a Plotly bundle that no longer existed: a 404 that
    left its charts blank, which no test saw."""
    import re

    from django.contrib.staticfiles import finders

    html = client.get(url).content.decode()
    names = re.findall(r'(?:src|href)="/static/([^"]+\.(?:js|css))"', html)
    assert any("plotly" in name for name in names) or url == "/catalogue/"
    for name in names:
        assert finders.find(name), name
