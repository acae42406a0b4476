"""OMOP conversions: the ``data`` role and admins only; everyone else 403, unknown ids 404."""

from tests.access import LOGIN, Case, staff_only

from .job_factories import EtlJobFactory, finished

API_STAFF = {"anonymous": 403, "alice": 403, "bob": 403, "charlie": 403, "guichet": 403,
             "cesrees": 403, "projets": 403}  # fmt: skip
POST_PAGE = {**staff_only(["data"], ok=302)}


def _succeeded(cast):
    return {"j": finished(extract_label="matrice")}


def _failed(cast):
    return {"j": finished("failed")}


def _queued(cast):
    return {"j": EtlJobFactory()}


def _page(suffix):
    return lambda o: f"/omop/jobs/{o['j'].pk}/{suffix}"


def _api(suffix):
    return lambda o: f"/api/omop/jobs/{o['j'].pk}/{suffix}"


MISSING = "/omop/jobs/00000000-0000-0000-0000-000000000000/"

MATRIX = [
    Case("/omop/", staff_only(["data"]), name="omop:home"),
    Case("/omop/?status=failed&engine=duckdb", staff_only(["data"])),
    Case("/omop/jobs/new/", staff_only(["data"]), name="omop:job-create"),
    Case(_page(""), staff_only(["data"]), name="omop:job-detail", setup=_succeeded),
    Case(MISSING, staff_only(["data"], ok=404)),
    Case(_page("progress/"), staff_only(["data"]), name="omop:job-progress", setup=_queued),
    Case(_page("results/"), staff_only(["data"]), name="omop:job-results", setup=_succeeded),
    Case(_page("results/"), staff_only(["data"], ok=404), setup=_failed),
    # the output of the factory's job is not on disk: 404 for those who may download
    Case(
        _page("download/"), staff_only(["data"], ok=404), name="omop:job-download", setup=_succeeded
    ),  # fmt: skip
    Case(_page("cancel/"), POST_PAGE, name="omop:job-cancel", method="post", setup=_queued),
    Case(_page("retry/"), POST_PAGE, name="omop:job-retry", method="post", setup=_failed),
    Case(
        _page("register/"), POST_PAGE, name="omop:job-register", method="post", setup=_succeeded
    ),  # fmt: skip
    Case("/omop/vocabulaires/", staff_only(["data"]), name="omop:vocabulary"),
    Case("/omop/vocabulaires/stcm.csv", staff_only(["data"]), name="omop:stcm-export"),
    Case("/omop/vocabulaires/stcm.csv?version=x", staff_only(["data"], ok=404)),
    Case("/omop/vocabulaires/usagi.csv", staff_only(["data"]), name="omop:usagi-export"),
    Case(
        "/omop/vocabulaires/comparer/?avant=x&apres=y",
        staff_only(["data"], ok=404),
        name="omop:alignment-compare",
    ),
    # the factory's output is not on disk: nothing to measure, 404 for those who may see it
    Case(
        lambda o: f"/omop/vocabulaires/conversions/{o['j'].pk}/alignement/",
        staff_only(["data"], ok=404),
        name="omop:alignment",
        setup=_succeeded,
    ),
    Case(
        lambda o: f"/omop/vocabulaires/conversions/{o['j'].pk}/revue/",
        staff_only(["data"], ok=404),
        name="omop:review",
        setup=_succeeded,
    ),
    Case(
        lambda o: f"/omop/vocabulaires/conversions/{o['j'].pk}/decision/",
        staff_only(["data"], ok=404),
        name="omop:decide",
        method="post",
        setup=_succeeded,
    ),
    Case("/api/omop/jobs/", API_STAFF, name="omop_api:etl-job-list"),
    Case(
        "/api/omop/jobs/",
        {**API_STAFF, "data": 201, "admin": 201},
        method="post",
        data={"source": "generated", "persons": 20},
    ),
    Case(_api(""), API_STAFF, name="omop_api:etl-job-detail", setup=_succeeded),
    Case("/api/omop/jobs/00000000-0000-0000-0000-000000000000/", {**API_STAFF}, default=404),
    Case(_api("results/"), API_STAFF, name="omop_api:etl-job-results", setup=_succeeded),
    Case(
        _api("download/"),
        API_STAFF,
        default=404,
        name="omop_api:etl-job-download",
        setup=_succeeded,
    ),  # fmt: skip
    Case(
        _api("cancel/"),
        {**API_STAFF, "admin": 409},
        name="omop_api:etl-job-cancel",
        method="post",
        setup=_queued,
    ),  # fmt: skip
    Case(
        _api("retry/"),
        {**API_STAFF, "data": 201, "admin": 409},
        name="omop_api:etl-job-retry",
        method="post",
        setup=_failed,
    ),  # fmt: skip
    Case(
        _api("register/"),
        API_STAFF,
        name="omop_api:etl-job-register",
        method="post",
        setup=_succeeded,
    ),  # fmt: skip
]

__all__ = ["LOGIN", "MATRIX"]
