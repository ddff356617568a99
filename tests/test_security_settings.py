"""Production settings: secrets required, `check --deploy` clean, strict headers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "IHSS_ENV": "production",
    "DJANGO_SETTINGS_MODULE": "ihss.settings",
    "SECRET_KEY": "a-long-random-production-secret-key-for-this-test-0123456789-abcdefgh",
    "FIELD_ENCRYPTION_KEYS": "ZmFrZS10ZXN0LWtleS1mb3ItdGVzdHMtb25seS0wMDA=",
    "BLIND_INDEX_KEY": "another-long-random-secret-for-the-blind-index",
    "ALLOWED_HOSTS": "ihss.example.org",
    "DATABASE_URL": "sqlite:////tmp/ihss-deploy-check.sqlite3",
    "PORTAL_BASE_URL": "https://ihss.example.org",
    "SMS_HTTP_URL": "https://sms.example.org/messages",
    "PWNED_PASSWORDS_URL": "https://api.pwnedpasswords.com/range/",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"IHSS_ENV", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_mode():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("change", "warning"),
    [
        ({"SMS_BACKEND": "ihss.notifications.channels.FileSmsBackend"}, "notifications.W001"),
        ({"SMS_HTTP_URL": "http://sms.example.org/messages"}, "notifications.W002"),
        ({"PORTAL_BASE_URL": "http://ihss.example.org"}, "notifications.W003"),
        ({"PWNED_PASSWORDS_URL": "http://pwned.example.org/range/"}, "accounts.W001"),
    ],
)
def test_check_deploy_warns_when_texts_or_email_links_are_not_set_up(change, warning):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION_ENV, **change}
    )
    assert result.returncode != 0
    assert warning in result.stderr + result.stdout


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "ALLOWED_HOSTS"]
)
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env={**env, missing: ""})
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_cookies_use_the_host_prefix():
    code = "from django.conf import settings as s; print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE)"
    result = _manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert "__Host-sessionid __Host-csrftoken True" in result.stdout, result.stderr


@pytest.mark.django_db
def test_pages_carry_an_enforced_nonce_based_content_security_policy(client):
    response = client.get("/sign-in/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    assert html.count("<script") == html.count(f'nonce="{nonce}"')


@pytest.mark.django_db
def test_a_session_ends_after_the_absolute_timeout_however_active(client, la_staff, settings):
    import time_machine

    settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS = 3600
    with time_machine.travel("2026-11-23 09:00 -0800", tick=False) as traveller:
        client.force_login(la_staff)
        assert client.get("/county/").status_code == 200
        for _ in range(2):  # active every 25 minutes: the idle limit never strikes
            traveller.shift(1500)
            assert client.get("/county/").status_code == 200
        traveller.shift(700)
        response = client.get("/county/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


@pytest.mark.django_db
def test_a_session_ends_after_thirty_idle_minutes(client, la_staff):
    import time_machine

    with time_machine.travel("2026-11-23 09:00 -0800", tick=False) as traveller:
        client.force_login(la_staff)
        assert client.get("/county/").status_code == 200
        traveller.shift(29 * 60)
        assert client.get("/county/").status_code == 200
        traveller.shift(31 * 60)
        response = client.get("/county/")
    assert response.status_code == 302


def test_production_hashes_passwords_with_argon2id_and_asks_for_long_passphrases():
    code = (
        "from django.conf import settings as s; "
        "print(s.PASSWORD_HASHERS[0]); "
        "print([v.get('OPTIONS', {}).get('min_length') for v in s.AUTH_PASSWORD_VALIDATORS]); "
        "print([v['NAME'].rsplit('.', 1)[1] for v in s.AUTH_PASSWORD_VALIDATORS])"
    )
    result = _manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert "Argon2PasswordHasher" in result.stdout, result.stderr
    assert "15" in result.stdout
    # No composition rules (NIST SP 800-63B-4): an all-digit passphrase is not refused.
    assert "NumericPasswordValidator" not in result.stdout
