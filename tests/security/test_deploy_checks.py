"""The production settings, as a deployment runs them (in a subprocess, from the environment):
Django's deployment checklist passes with no warning, and responses carry HSTS, redirect to HTTPS
and the rest of the security headers."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLEARED = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "ELASTICSEARCH_URL",
    "SECURITY_CONTACT",
    "TRUSTED_PROXY_COUNT",
)


def production_env(tmp_path, **extra) -> dict:
    environment = {
        k: v for k, v in os.environ.items() if k not in CLEARED and not k.startswith(("DJANGO_", "RATE_LIMIT"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="hub.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **extra,
    )
    return environment


def test_check_deploy_passes_with_no_warning(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# Requests through the production middleware without a database: security.txt is answered before
# any URL is resolved and the HTTPS redirect before any view.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="hub.example.org")
plain = client.get("/.well-known/security.txt")
secure = client.get("/.well-known/security.txt", secure=True, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "body": secure.content.decode(),
    "trusted_proxies": settings.TRUSTED_PROXY_COUNT,
    "cookies_secure": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
}))
"""


def probe(tmp_path, **extra) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=production_env(tmp_path, **extra), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_production_redirects_to_https_and_sends_hsts_and_the_security_headers(tmp_path):
    shown = probe(tmp_path)
    assert shown["plain"] == [301, "https://hub.example.org/.well-known/security.txt"]
    assert shown["status"] == 200
    headers = shown["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "script-src 'self';" in headers["Content-Security-Policy"] + ";"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "Permissions-Policy" in headers
    assert shown["cookies_secure"] == [True, True]
    assert shown["trusted_proxies"] == 0


def test_the_security_contact_defaults_to_the_sites_security_mailbox(tmp_path):
    assert "Contact: mailto:security@hub.example.org" in probe(tmp_path)["body"]
    shown = probe(tmp_path, SECURITY_CONTACT="https://esther.example/report-a-flaw")
    assert "Contact: https://esther.example/report-a-flaw" in shown["body"]


def test_behind_a_proxy_its_forwarded_for_is_trusted_once_and_hsts_can_be_tuned(tmp_path):
    shown = probe(tmp_path, DJANGO_BEHIND_PROXY="true", DJANGO_HSTS_SECONDS="600", DJANGO_HSTS_PRELOAD="false")
    assert shown["trusted_proxies"] == 1
    assert shown["headers"]["Strict-Transport-Security"] == "max-age=600; includeSubDomains"
    assert probe(tmp_path, DJANGO_BEHIND_PROXY="true", TRUSTED_PROXY_COUNT="2")["trusted_proxies"] == 2
