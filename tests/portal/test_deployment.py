"""What can be checked of the production set-up without a Docker engine."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pyspark
import yaml

REPO = Path(__file__).resolve().parents[2]
SETTINGS = (REPO / "portal" / "settings.py").read_text()
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
PORTAL_SERVICES = ["web", "worker", "beat"]


def _production_env(**extra):
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portail.health-data-hub.fr",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/hdh_deploycheck",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        **extra,
    }


def test_check_deploy_reports_nothing_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_compose_declares_every_service_of_the_architecture():
    assert set(COMPOSE["services"]) == {
        "web",
        "worker",
        "beat",
        "db",
        "redis",
        "spark-master",
        "spark-worker",
    }


def test_every_portal_service_command_exists_in_the_project():
    from django.utils.module_loading import import_string

    for name in PORTAL_SERVICES:
        command = COMPOSE["services"][name]["command"]
        if "gunicorn" in command:
            module, attr = re.search(r"gunicorn ([\w.]+):(\w+)", command).groups()
            assert import_string(f"{module}.{attr}")
        if "celery" in command:
            app = re.search(r"celery -A (\w+)", command).group(1)
            assert import_string(f"{app}.celery_app").main == "portal"
    for name in ["spark-master", "spark-worker"]:
        command = COMPOSE["services"][name]["command"]
        assert command.startswith("spark-class org.apache.spark.deploy.")
        assert (Path(pyspark.__file__).parent / "bin" / "spark-class").exists()


def test_every_environment_variable_given_to_the_portal_is_read_by_settings():
    for name in PORTAL_SERVICES:
        service = COMPOSE["services"][name]
        for variable in service["environment"]:
            assert f'"{variable}"' in SETTINGS, f"{name}: settings never read {variable}"


def test_the_image_installs_from_the_lock_file_with_java_for_spark():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert "openjdk-17-jre-headless" in dockerfile
    assert "collectstatic" in dockerfile
