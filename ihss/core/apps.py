from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created


def _register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite's audit trigger asks this function whether a DELETE may proceed.

    It answers 1 only when settings.AUDIT_PURGE_ALLOWED is on, which only the test
    suite sets, so that Django can empty the tables between tests.
    """
    if connection.vendor != "sqlite":
        return
    from ihss.core.folding import sqlite_fold

    # Names compared without case or accents, as PostgreSQL does with translate().
    connection.connection.create_function("ihss_fold", 1, sqlite_fold, deterministic=True)
    connection.connection.create_function(
        "ihss_audit_purge_allowed",
        0,
        lambda: 1 if getattr(settings, "AUDIT_PURGE_ALLOWED", False) else 0,
        deterministic=False,
    )


class CoreConfig(AppConfig):
    name = "ihss.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        connection_created.connect(_register_sqlite_functions, dispatch_uid="ihss-sqlite-fns")
        from django.db.models import Field, ForeignObject

        from ihss.core.lookups import AnyOf

        Field.register_lookup(AnyOf)
        ForeignObject.register_lookup(AnyOf)
        from django.utils.translation import gettext_lazy as _

        from ihss.core import audit_display

        audit_display.register_actions({"parameter.scheduled": _("New value scheduled")})
        audit_display.register_labels(
            {"stored_value": _("Stored value (minutes, cents or basis points)")}
        )
