"""OMOP conversions: the ``data`` role and admins only; everyone else 403, unknown ids 404."""

from tests.access import Case, staff_only, url

from .job_factories import EtlJobFactory, finished

PAGE = staff_only(["data"])
POST_PAGE = staff_only(["data"], ok=302)
API = staff_only(["data"], api=True)
# what is asked for is not there: 404, for those who may see it
PAGE_404 = staff_only(["data"], ok=404)
API_404 = staff_only(["data"], ok=404, api=True)


def _succeeded(cast):
    return {"j": finished(extract_label="matrice")}


def _failed(cast):
    return {"j": finished("failed")}


def _queued(cast):
    return {"j": EtlJobFactory()}


JOB = "/omop/jobs/{j.pk}/"
API_JOB = "/api/omop/jobs/{j.pk}/"
MISSING = "/omop/jobs/00000000-0000-0000-0000-000000000000/"
CONVERSION = "/omop/vocabulaires/conversions/{j.pk}/"

MATRIX = [
    Case("/omop/", PAGE, name="omop:home"),
    Case("/omop/?status=failed&engine=duckdb", PAGE),
    Case("/omop/jobs/new/", PAGE, name="omop:job-create"),
    Case(url(JOB), PAGE, name="omop:job-detail", setup=_succeeded),
    Case(MISSING, PAGE_404),
    Case(url(JOB + "progress/"), PAGE, name="omop:job-progress", setup=_queued),
    Case(url(JOB + "results/"), PAGE, name="omop:job-results", setup=_succeeded),
    Case(url(JOB + "results/"), PAGE_404, setup=_failed),
    # the output of the factory's job is not on disk: 404 for those who may download
    Case(url(JOB + "download/"), PAGE_404, name="omop:job-download", setup=_succeeded),
    Case(url(JOB + "cancel/"), POST_PAGE, name="omop:job-cancel", method="post", setup=_queued),
    Case(url(JOB + "retry/"), POST_PAGE, name="omop:job-retry", method="post", setup=_failed),
    Case(
        url(JOB + "register/"), POST_PAGE, name="omop:job-register", method="post", setup=_succeeded
    ),
    Case("/omop/vocabulaires/", PAGE, name="omop:vocabulary"),
    Case("/omop/vocabulaires/stcm.csv", PAGE, name="omop:stcm-export"),
    Case("/omop/vocabulaires/stcm.csv?version=x", PAGE_404),
    Case("/omop/vocabulaires/usagi.csv", PAGE, name="omop:usagi-export"),
    Case("/omop/vocabulaires/comparer/?avant=x&apres=y", PAGE_404, name="omop:alignment-compare"),
    # the factory's output is not on disk: nothing to measure, 404 for those who may see it
    Case(url(CONVERSION + "alignement/"), PAGE_404, name="omop:alignment", setup=_succeeded),
    Case(url(CONVERSION + "revue/"), PAGE_404, name="omop:review", setup=_succeeded),
    Case(
        url(CONVERSION + "decision/"), PAGE_404, name="omop:decide", method="post", setup=_succeeded
    ),
    Case("/api/omop/jobs/", API, name="omop_api:etl-job-list"),
    Case(
        "/api/omop/jobs/",
        staff_only(["data"], ok=201, api=True),
        method="post",
        data={"source": "generated", "persons": 20},
    ),
    Case(url(API_JOB), API, name="omop_api:etl-job-detail", setup=_succeeded),
    Case("/api/omop/jobs/00000000-0000-0000-0000-000000000000/", API_404),
    Case(url(API_JOB + "results/"), API, name="omop_api:etl-job-results", setup=_succeeded),
    Case(url(API_JOB + "download/"), API_404, name="omop_api:etl-job-download", setup=_succeeded),
    Case(
        url(API_JOB + "cancel/"),
        {**API, "admin": 409},
        name="omop_api:etl-job-cancel",
        method="post",
        setup=_queued,
    ),
    Case(
        url(API_JOB + "retry/"),
        {**API, "data": 201, "admin": 409},
        name="omop_api:etl-job-retry",
        method="post",
        setup=_failed,
    ),
    Case(
        url(API_JOB + "register/"),
        API,
        name="omop_api:etl-job-register",
        method="post",
        setup=_succeeded,
    ),
]
