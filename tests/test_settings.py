"""Production settings come from the environment and refuse to start without their secrets."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNSET = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "ELASTICSEARCH_URL",
)
STRONG_KEY = "k3Y-" + "x7Qz9!vB2#nM5$pL8&rT1*wE4^yU6(iO0)aS3_dF" * 2


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in UNSET}
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env})
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)


def run_manage(*args, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in UNSET}
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", ALLOWED_HOSTS="hub.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_passes_the_deployment_checklist_without_a_warning(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="hub.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


SHOW = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'name': settings.DATABASES['default']['NAME'], 'host': settings.DATABASES['default'].get('HOST'), "
    "'storage': settings.STORAGES['default']['BACKEND'], 'hsts': settings.SECURE_HSTS_SECONDS, "
    "'debug': settings.DEBUG, 'serve_media': settings.SERVE_MEDIA}))"
)


def test_postgresql_and_object_storage_are_chosen_by_environment():
    result = run_python(
        SHOW,
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="hub.example.org",
        DATABASE_URL="postgres://hub:pw@db.internal:5432/knowledge",
        AWS_STORAGE_BUCKET_NAME="esther-media",
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["engine"] == "django.db.backends.postgresql"
    assert (shown["name"], shown["host"]) == ("knowledge", "db.internal")
    # django-storages' S3 storage, with originals and protected renditions addressed through the site.
    assert shown["storage"] == "knowledge.publishing.s3_storage.CheckedS3Storage"
    assert shown["hsts"] >= 31536000 and shown["debug"] is False and shown["serve_media"] is False


def test_a_malformed_setting_is_named_in_the_error():
    result = run_python(SHOW, SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="hub.example.org", DJANGO_HSTS_SECONDS="a year")
    assert result.returncode != 0
    assert "DJANGO_HSTS_SECONDS must be a whole number" in result.stderr


@pytest.mark.django_db
def test_dev_superuser_command_refuses_when_debug_is_off():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("ensure_dev_superuser")


KEPT = (
    "import django, json; django.setup(); from django.conf import settings; "
    "d = settings.DATABASES['default']; print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
)


@pytest.mark.parametrize(("env", "kept"), [({}, [600, True]), ({"DATABASE_CONN_MAX_AGE": "0"}, [0, True])])
def test_a_served_site_keeps_its_database_connections_unless_told_not_to(tmp_path, env, kept):
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = run_python(KEPT, SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="hub.example.org", DATABASE_URL=database, **env)
    assert json.loads(result.stdout) == kept, result.stderr
    # Development's runserver starts a thread per request: nothing to keep there.
    result = run_python(KEPT, DJANGO_SETTINGS_MODULE="config.settings.dev", DATABASE_URL=database)
    assert json.loads(result.stdout)[0] == 0, result.stderr


def test_a_served_process_leaves_what_it_loaded_out_of_full_garbage_collections(tmp_path):
    """gunicorn imports config.wsgi: Django, Wagtail and the views are frozen there, so that the
    collector's full passes (120 ms each over them) no longer stall a new process's first requests."""
    code = "import gc, config.wsgi, json; print(json.dumps([gc.get_freeze_count(), len(gc.get_objects())]))"
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = run_python(code, SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="hub.example.org", DATABASE_URL=database)
    frozen, tracked = json.loads(result.stdout)
    assert frozen > 100_000 and tracked < frozen / 10, result.stderr
