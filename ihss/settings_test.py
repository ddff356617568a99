"""Settings for the test suite: the one settings module, in its test environment."""

import os

os.environ.setdefault("IHSS_ENV", "test")

from ihss.settings import *  # noqa: E402,F403

# Fast hashing in tests only; production uses Argon2id (see settings.PASSWORD_HASHERS).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Lets Django's test flush empty the audit table on SQLite (see core migration 0002).
AUDIT_PURGE_ALLOWED = True

# WhiteNoise looks for the collected-static folder at start-up; tests serve from the apps.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# Most tests sign staff in with force_login and test their pages, not their second factor;
# the tests of second factors turn the requirement on (ihss/accounts/tests/).
SECOND_FACTOR_REQUIRED_ROLES = []  # noqa: F405
