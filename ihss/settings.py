"""Settings for the IHSS portal, read from environment variables.

Development (the default) needs nothing set: SQLite under var/, console email, and
development keys generated once into var/dev-secrets.json. Production is chosen with
IHSS_ENV=production; it then refuses to start without its secrets (see README).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("IHSS_VAR_DIR", BASE_DIR / "var"))

ENVIRONMENT = os.environ.get("IHSS_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured("IHSS_ENV must be development, test or production.")
PRODUCTION = ENVIRONMENT == "production"


def env_str(name: str, default: str = "") -> str:
    """Return an environment variable, or the contents of the file named by NAME_FILE."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def _development_secrets() -> dict[str, Any]:
    """Random keys for a developer's machine, generated once and kept in var/."""
    from cryptography.fernet import Fernet

    path = VAR_DIR / "dev-secrets.json"
    if path.exists():
        return dict(json.loads(path.read_text()))
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(32),
    }
    path.write_text(json.dumps(values, indent=2))
    path.chmod(0o600)
    return values


def secret(name: str) -> str:
    value = env_str(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set in production (or {name}_FILE).")
    if ENVIRONMENT == "test":
        return f"test-only-{name.lower()}-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"
    return str(_development_secrets()[name])


# --- Core ---------------------------------------------------------------------------------

SECRET_KEY = secret("SECRET_KEY")
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
DEBUG = env_bool("DEBUG", default=ENVIRONMENT == "development")
# Under DEBUG an unknown address still gets the portal's own 404 page
# (ihss.web.errors.NotFoundPageInDevelopment); SHOW_DEBUG_404=1 shows Django's debug page.
SHOW_DEBUG_404 = env_bool("SHOW_DEBUG_404", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "ihss.core",
    "ihss.notifications",
    "ihss.cases",
    "ihss.accounts",
    "ihss.timesheets",
    "ihss.evv",
    "ihss.payroll",
    "ihss.training",
    "ihss.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp_webauthn",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ihss.accounts.middleware.AbsoluteSessionTimeoutMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user.is_verified() once a second factor was given in this session.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "ihss.accounts.middleware.SecondFactorMiddleware",
    "ihss.accounts.middleware.PreferredLanguageMiddleware",
    # Refuses NUL and overlong text before any view, form or backend reads it (ADR 0013).
    "ihss.core.input.CleanInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Under DEBUG, the portal's 404 page instead of Django's debug page (SHOW_DEBUG_404).
    "ihss.web.errors.NotFoundPageInDevelopment",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: gives a browser its device cookie once its sign-in is complete (second factor
    # included), so that failures elsewhere do not pause it (ihss.accounts.lockout).
    "ihss.accounts.lockout.DeviceCookieMiddleware",
]

ROOT_URLCONF = "ihss.urls"
WSGI_APPLICATION = "ihss.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ihss" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "ihss.web.context_processors.portal",
            ],
        },
    }
]
FORM_RENDERER = "ihss.web.forms.UswdsFormRenderer"

# --- Text input (ihss/core/input.py, ADR 0013) ----------------------------------------------
# The most characters one query or form value may have. The longest text the portal asks
# for is a reason of 1,000 characters; four times that leaves room for line breaks sent as
# two characters, so that a form's own limit speaks first, on the form. Longer is refused
# (400, or 422 in the API) before a view, form or sign-in backend reads it.
INPUT_MAX_CHARS = 4000
# Tighter bounds for values some code reads and stores outside a form field: the sign-in
# throttle and the lockout record the username as typed, in 150-character columns.
INPUT_MAX_CHARS_BY_NAME = {"username": 150}

# --- Database -----------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ihss.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # The web server and the task worker share the file: wait for locks, write ahead.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# --- Passwords and sessions ---------------------------------------------------------------

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NIST SP 800-63B-4 section 3.1.1 (docs/adr/0009-password-policy.md): 15 characters while
# the password is the only factor, 8 once a second factor is enrolled, up to 128; no
# composition rules, no expiry; common, guessable and breached passwords are refused.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "ihss.accounts.passwords.LengthValidator",
        "OPTIONS": {"min_length": 15, "min_length_with_second_factor": 8, "max_length": 128},
    },
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "ihss.accounts.passwords.KnownPasswordValidator"},
    {"NAME": "ihss.accounts.passwords.GuessabilityValidator", "OPTIONS": {"min_score": 3}},
    {"NAME": "ihss.accounts.passwords.PwnedPasswordsValidator"},
]
# Optional breach lookup by k-anonymity (only 5 hex characters of the SHA-1 leave the
# server). Empty turns it off; production sets https://api.pwnedpasswords.com/range/.
PWNED_PASSWORDS_URL = env_str("PWNED_PASSWORDS_URL")
if PWNED_PASSWORDS_URL and not PWNED_PASSWORDS_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("PWNED_PASSWORDS_URL must be an https:// address (or empty).")
PWNED_PASSWORDS_TIMEOUT = env_float("PWNED_PASSWORDS_TIMEOUT_SECONDS", 2.0)
# The strength meter's checks per session per hour (each is one POST while typing).
PASSWORD_CHECKS_PER_HOUR = env_int("PASSWORD_CHECKS_PER_HOUR", 120)
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

# Sign-in lockout (ihss.accounts.lockout, docs/adr/0012-sign-in-lockout-device-cookies.md).
# Counted per username: separately for each browser that signed in to it before (a signed
# device cookie) and for all other browsers together. Never revealing whether a username
# exists. Settings, not program parameters: they are security controls of the portal,
# needed before any database row exists, and checked here at start-up.
SIGN_IN_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5)  # unknown browsers, per pause
SIGN_IN_DEVICE_FAILURE_LIMIT = env_int("SIGN_IN_DEVICE_FAILURE_LIMIT", 5)  # one known browser
SIGN_IN_LOCKOUT_MINUTES = env_int("SIGN_IN_LOCKOUT_MINUTES", 15)
SIGN_IN_LOCKOUT_CAP_MINUTES = env_int("SIGN_IN_LOCKOUT_CAP_MINUTES", 24 * 60)
# Consecutive failures after which unknown browsers are stopped until recovery, the
# Service Desk's unlock or a sign-in from a known browser. NIST SP 800-63B rev 4: at most 100.
SIGN_IN_FAILURE_CAP = env_int("SIGN_IN_FAILURE_CAP", 100)
SIGN_IN_DEVICE_COOKIE_DAYS = env_int("SIGN_IN_DEVICE_COOKIE_DAYS", 180)
SIGN_IN_IP_FAILURE_LIMIT = env_int("SIGN_IN_IP_FAILURE_LIMIT", 50)
if not 1 <= SIGN_IN_FAILURE_CAP <= 100:
    raise ImproperlyConfigured("SIGN_IN_FAILURE_CAP must be between 1 and 100 (NIST SP 800-63B).")
for _name in (
    "SIGN_IN_FAILURE_LIMIT",
    "SIGN_IN_DEVICE_FAILURE_LIMIT",
    "SIGN_IN_LOCKOUT_MINUTES",
    "SIGN_IN_LOCKOUT_CAP_MINUTES",
    "SIGN_IN_DEVICE_COOKIE_DAYS",
    "SIGN_IN_IP_FAILURE_LIMIT",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1.")

# Registration: guesses of identity details per address per hour; email link lifetime.
REGISTRATION_ATTEMPTS_PER_HOUR = env_int("REGISTRATION_ATTEMPTS_PER_HOUR", 10)
# Step 2 says "That username is taken": that answer, per address per hour (a person
# trying a few names stays well under it; listing the portal's usernames does not).
REGISTRATION_TAKEN_USERNAMES_PER_HOUR = env_int("REGISTRATION_TAKEN_USERNAMES_PER_HOUR", 10)
EMAIL_VERIFICATION_SECONDS = env_int("EMAIL_VERIFICATION_SECONDS", 24 * 60 * 60)

# Recovery: requests per address per hour; reset links work for an hour, once.
RECOVERY_REQUESTS_PER_HOUR = env_int("RECOVERY_REQUESTS_PER_HOUR", 10)
# Username and reset emails per account per hour, whatever the address asking: more
# requests get the same page and send nothing (a person who asks again waits for the first).
RECOVERY_EMAILS_PER_ACCOUNT_PER_HOUR = env_int("RECOVERY_EMAILS_PER_ACCOUNT_PER_HOUR", 3)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_SECONDS", 60 * 60)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# NIST SP 800-63B-4 at AAL2: inactivity timeout at most 1 hour, overall at most 24 hours.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
# Pages warn this long before the idle sign-out, with a "Stay signed in" button.
SESSION_WARNING_SECONDS = env_int("SESSION_WARNING_SECONDS", 5 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env_int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", 12 * 60 * 60)

SECURE_COOKIES = env_bool("SECURE_COOKIES", default=PRODUCTION)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
if SECURE_COOKIES:
    # The __Host- prefix binds the cookie to this exact host, over HTTPS, for the whole site.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Enforced, nonce-based Content Security Policy (django-csp 4).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

# --- Field encryption (SSN, bank numbers) -------------------------------------------------

# Comma-separated keys in Fernet's format; the first encrypts, all decrypt (ADR 21). Rotation:
# put the new key first, run `manage.py rotate_field_keys`, then drop the old one.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS") or (
    ["ZmFrZS10ZXN0LWtleS1mb3ItdGVzdHMtb25seS0wMDA="]
    if ENVIRONMENT == "test"
    else [str(k) for k in secret("FIELD_ENCRYPTION_KEYS").split(",")]
)
BLIND_INDEX_KEY = secret("BLIND_INDEX_KEY")

# --- Internationalization -----------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "ihss" / "locale"]
# The portal's own date format names (day and month, ranges) per language; Django's own
# locale formats fill in the rest. Applied by ihss/core/dates.py.
FORMAT_MODULE_PATH = ["ihss.formats"]
USE_I18N = True
TIME_ZONE = "America/Los_Angeles"
USE_TZ = True

# --- Static files -------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "ihss" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and ENVIRONMENT != "test"
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Bulk import limits (docs/import-format.md, "Limits") ---------------------------------
# Uploads over FILE_UPLOAD_MAX_MEMORY_SIZE are streamed to a temporary file, and the import
# reads every file as a stream, so memory does not grow with the files' size; these bound
# the rest. Files per import: a county's recipients, providers and assignments, each split
# in a few parts. Bytes per file: 50 MiB holds about 250,000 rows of the usual width, and
# bounds the temporary disk an upload takes (10 files: 500 MiB). Rows per import: the
# checks keep a few keys per row in memory (about 0.5 KB) and the rows are saved in one
# transaction; 200,000 rows keep that near 100 MiB and under a minute or two of saving.
IMPORT_MAX_FILES = env_int("IMPORT_MAX_FILES", 10)
IMPORT_MAX_FILE_BYTES = env_int("IMPORT_MAX_FILE_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)

# --- Payroll runs (docs/payroll.md) ---------------------------------------------------------
# Providers whose stubs are written per transaction: large enough that the bulk writer's
# COPY dominates, small enough that a resumed run redoes little and memory stays flat.
PAYROLL_BATCH_PROVIDERS = env_int("PAYROLL_BATCH_PROVIDERS", 5_000)
# PostgreSQL's memory for each query reading a run's payable items (ihss/core/payables.py):
# the sort of a state's items and the hash of its paid documents (a few per run).
PAYABLE_ITEMS_WORK_MEM = os.environ.get("PAYABLE_ITEMS_WORK_MEM", "128MB")
# Processes calculating a run side by side on PostgreSQL, each a range of providers (one
# per core: the work is Python's and the database's, about half each).
PAYROLL_PROCESSES = env_int("PAYROLL_PROCESSES", 2)
# A calculation that has written nothing for this long is taken to have stopped (a killed
# process) and may be resumed by another; a batch takes a few seconds.
PAYROLL_STALE_SECONDS = env_int("PAYROLL_STALE_SECONDS", 120)
# Who sends the payment (NACHA) file and to which bank. The defaults are fictional (the
# routing number only passes the ABA check); a real deployment sets all of them.
PAYROLL_ORIGINATOR = {
    "immediate_destination": env_str("PAYROLL_BANK_ROUTING", "123456780"),
    "immediate_destination_name": env_str("PAYROLL_BANK_NAME", "DEMO STATE BANK"),
    "immediate_origin": env_str("PAYROLL_ORIGIN_ID", "1990000001"),
    "immediate_origin_name": env_str("PAYROLL_ORIGIN_NAME", "STATE OF CA IHSS"),
    "company_name": env_str("PAYROLL_COMPANY_NAME", "CA IHSS PAYROLL"),
    "company_identification": env_str("PAYROLL_COMPANY_ID", "1990000001"),
}

# --- Email --------------------------------------------------------------------------------

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "IHSS Portal <no-reply@ihss.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# --- Notifications ------------------------------------------------------------------------

# Absolute links in emails point here.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://localhost:8000").rstrip("/")
_PORTAL = urlsplit(PORTAL_BASE_URL)

# --- Second factors -----------------------------------------------------------------------

# Authenticator apps (TOTP) and recovery codes come from django-otp; passkeys from
# django-otp-webauthn, as a second factor after the password (never instead of it).
# Authenticator apps and recovery codes are the portal's own django-otp devices
# (accounts.AuthenticatorApp, accounts.RecoveryCodeSet): secrets encrypted, codes digested.
OTP_TOTP_ISSUER = "IHSS Portal"
# Roles that must use a second factor: everyone who sees other people's records.
SECOND_FACTOR_REQUIRED_ROLES = env_list(
    "SECOND_FACTOR_REQUIRED_ROLES",
    "county_staff,training_provider,coach,service_desk,state_admin",
)
# Authenticator codes: one 30-second step either side of now; wrong codes wait 1, 2, 4... s.
SECOND_FACTOR_TOTP_WINDOW = env_int("SECOND_FACTOR_TOTP_WINDOW", 1)
SECOND_FACTOR_THROTTLE_FACTOR = env_int("SECOND_FACTOR_THROTTLE_FACTOR", 1)
# Sensitive changes (email, phone, password, direct deposit, second factor) need the
# password or an emailed or texted code given this recently.
STEP_UP_SECONDS = env_int("STEP_UP_SECONDS", 10 * 60)
# A recipient signs a timesheet without confirming again if they signed in (or confirmed
# it is them) at most this long ago.
SIGNATURE_REAUTH_SECONDS = env_int("SIGNATURE_REAUTH_SECONDS", 15 * 60)
OTP_WEBAUTHN_RP_NAME = "IHSS Portal"
# Passkeys are bound to this domain: changing it later means everyone enrolls again.
OTP_WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID", _PORTAL.hostname or "localhost")
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "WEBAUTHN_ALLOWED_ORIGINS", f"{_PORTAL.scheme}://{_PORTAL.netloc}"
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Text messages: FileSmsBackend (development: var/sms.log), ConsoleSmsBackend, or
# HttpSmsBackend (a provider's HTTPS API, configured by the SMS_HTTP_* variables; the
# production default, which `check --deploy` asks to be configured).
SMS_BACKEND = env_str(
    "SMS_BACKEND",
    "ihss.notifications.channels.HttpSmsBackend"
    if PRODUCTION
    else "ihss.notifications.channels.FileSmsBackend",
)
SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(VAR_DIR / "sms.log"))
SMS_HTTP_URL = env_str("SMS_HTTP_URL")
SMS_HTTP_TOKEN = env_str("SMS_HTTP_TOKEN")
SMS_HTTP_TIMEOUT = env_int("SMS_HTTP_TIMEOUT", 10)
SMS_FROM = env_str("SMS_FROM", "IHSS")
NOTIFICATIONS = {
    # Tries of one email or text before it is marked failed for the service desk.
    "MAX_ATTEMPTS": env_int("NOTIFICATIONS_MAX_ATTEMPTS", 6),
    # Waits between tries double from the base up to the cap: 1, 2, 4, 8, 16 minutes.
    "RETRY_BASE_SECONDS": env_int("NOTIFICATIONS_RETRY_BASE_SECONDS", 60),
    "RETRY_CAP_SECONDS": env_int("NOTIFICATIONS_RETRY_CAP_SECONDS", 3600),
    # How long a worker holds a message it is sending; a worker that dies gives it up then.
    "LEASE_SECONDS": env_int("NOTIFICATIONS_LEASE_SECONDS", 300),
    # A queued message whose task has not run after this long is queued again by the sweep.
    "REQUEUE_AFTER_SECONDS": env_int("NOTIFICATIONS_REQUEUE_AFTER_SECONDS", 600),
}
# Who may read the outbox of every person's messages.
NOTIFICATIONS_OUTBOX_ROLES = ("service_desk", "state_admin")

# --- Background tasks ---------------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": env_str(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if ENVIRONMENT == "test"
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

# --- Logging ------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR" if ENVIRONMENT == "test" else "WARNING"},
        # Each task's start and end at INFO; in tests they come from live-server threads
        # after pytest has closed its streams.
        "django_tasks": {"level": "WARNING" if ENVIRONMENT == "test" else "INFO"},
    },
}

# --- Portal -------------------------------------------------------------------------------

SERVICE_DESK_PHONE = env_str("SERVICE_DESK_PHONE", "1-866-376-7066")
SERVICE_DESK_HOURS = _("Monday to Friday, 8 a.m. to 5 p.m., except holidays")
