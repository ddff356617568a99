"""Re-encrypt every encrypted field under the current key.

Key rotation, step by step:

1. put a new key first in FIELD_ENCRYPTION_KEYS, keeping the old ones after it, and
   restart the portal: new values are written under the new key, old ones still read;
2. run `manage.py rotate_field_keys` (safe to run while the portal serves, and to run
   again: values already under the current key are left alone);
3. when it reports nothing left to re-encrypt, remove the old keys and restart.

Values written before ADR 21 (Fernet tokens) are rewritten too, as the portal writes
values now (AES-256-GCM under the current key), even when their key is the current one.

Every EncryptedTextField of every installed model is found through the app registry,
so fields added later are covered without touching this command. Stored tokens are read
and written raw (a Cast to plain text bypasses the field's decryption; the new tokens
are written as plain-text values so the field does not encrypt them again), in batches
of --batch-size rows by primary key, each batch in its own transaction with its rows
locked. The output carries counts and row ids, never a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, router, transaction
from django.db.models.functions import Cast

from ihss.core import crypto
from ihss.core.fields import EncryptedTextField

RAW = "rotate_raw_token"


@dataclass
class Tally:
    checked: int = 0
    current: int = 0
    rotated: int = 0


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """(model, field) for each encrypted column, once per table (proxies share one)."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.local_concrete_fields:
            if isinstance(field, EncryptedTextField):
                found.append((model, field))
    return found


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field under the first key of FIELD_ENCRYPTION_KEYS. "
        "Run after putting a new key first; remove old keys only after it finishes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="Rows read, re-encrypted and written per transaction (default 500).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be re-encrypted and check that every value decrypts; "
            "change nothing.",
        )

    def handle(self, *args: Any, batch_size: int, dry_run: bool, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            keys = [str(k) for k in settings.FIELD_ENCRYPTION_KEYS]
            crypto.keys()  # every key read, the first one current
        except ImproperlyConfigured as exc:
            raise CommandError(
                "FIELD_ENCRYPTION_KEYS must be comma-separated Fernet keys, the current one first."
            ) from exc

        fields = encrypted_fields()
        self.stdout.write(
            f"{len(fields)} encrypted field(s), {len(keys)} key(s) configured"
            + (" (dry run: nothing will be changed)." if dry_run else ".")
        )
        total = Tally()
        for model, field in fields:
            tally = self._rotate_field(model, field, batch_size, dry_run)
            total.checked += tally.checked
            total.current += tally.current
            total.rotated += tally.rotated

        verb = "would be re-encrypted" if dry_run else "re-encrypted"
        self.stdout.write(
            self.style.SUCCESS(
                f"{'Dry run' if dry_run else 'Done'}: {total.checked} value(s) checked, "
                f"{total.rotated} {verb}, {total.current} already under the current key."
            )
        )
        if not dry_run and len(keys) > 1:
            self.stdout.write(
                "Every value now reads with the current key alone; the older keys may be "
                "removed from FIELD_ENCRYPTION_KEYS."
            )

    def _rotate_field(
        self,
        model: type[models.Model],
        field: EncryptedTextField,
        batch_size: int,
        dry_run: bool,
    ) -> Tally:
        label = f"{model._meta.label}.{field.name}"
        alias = router.db_for_write(model)
        manager = model._base_manager.db_manager(alias)
        stored = (
            manager.annotate(**{RAW: Cast(field.attname, output_field=models.TextField())})
            .exclude(**{f"{RAW}__isnull": True})
            .exclude(**{RAW: ""})
            .order_by("pk")
        )
        count = stored.count()
        tally = Tally()
        reported_tenth = 0
        last_pk: Any = None
        while True:
            with transaction.atomic(using=alias):
                batch = stored if last_pk is None else stored.filter(pk__gt=last_pk)
                if not dry_run:
                    batch = batch.select_for_update()
                rows = list(batch.values_list("pk", RAW)[:batch_size])
                if not rows:
                    break
                changed = []
                for pk, token in rows:
                    if crypto.is_current(token):
                        tally.current += 1
                        continue
                    try:
                        new_token = crypto.rotate(token)
                    except ImproperlyConfigured as exc:
                        raise CommandError(
                            f"{label}: the value of row {pk} cannot be decrypted with any key "
                            "in FIELD_ENCRYPTION_KEYS (was a key removed too early?). This "
                            "batch was rolled back; earlier batches are rotated and safe."
                        ) from exc
                    instance = model(pk=pk)
                    # An expression, so the field stores the token as is (no re-encryption).
                    setattr(
                        instance,
                        field.attname,
                        models.Value(new_token, output_field=models.TextField()),
                    )
                    changed.append(instance)
                if changed and not dry_run:
                    manager.bulk_update(changed, [field.name], batch_size=batch_size)
                tally.rotated += len(changed)
                tally.checked += len(rows)
                last_pk = rows[-1][0]
            # A line at each tenth of the way, not one per batch.
            tenth = tally.checked * 10 // count if count else 10
            if tenth > reported_tenth:
                self._report(label, tally, count, dry_run)
                reported_tenth = tenth
        if reported_tenth < 10:
            self._report(label, tally, count, dry_run)
        return tally

    def _report(self, label: str, tally: Tally, count: int, dry_run: bool) -> None:
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        self.stdout.write(
            f"  {label}: {tally.checked}/{count} checked, {verb} {tally.rotated}, "
            f"{tally.current} already current"
        )
