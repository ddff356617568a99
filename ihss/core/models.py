"""Shared records: the audit trail and effective-dated program parameters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One change to a record: who, when, what, why, before and after.

    Append-only. Rows are written by service functions in the same transaction as the
    change they describe; the database refuses UPDATE and DELETE (trigger, see migration
    0002). The actor's name is copied so the trail stays readable on its own.
    """

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(max_length=200)
    action = models.CharField(max_length=80)
    subject_type = models.CharField(max_length=80)
    subject_id = models.CharField(max_length=40)
    subject_label = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id", "-occurred_at"], name="audit_subject_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name}: {self.action}"

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field whose value differs.

        Total over what the table may hold: a snapshot that is not an object (a list, a
        number) reads as the one key "value"."""
        before, after = _as_snapshot(self.before), _as_snapshot(self.after)
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [
            (str(k), before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)
        ]


def _as_snapshot(value: object) -> dict[object, object]:
    if value is None:
        return {}
    return dict(value) if isinstance(value, dict) else {"value": value}


class ProgramParameter(models.Model):
    """A number the program rules read (caps, multipliers, amounts), effective-dated.

    Minutes for durations, cents for money, basis points for rates. A new value is a new
    row with a later `effective_from`; rows are never edited in place.
    """

    class Unit(models.TextChoices):
        MINUTES = "minutes", _("minutes")
        CENTS = "cents", _("cents")
        BASIS_POINTS = "bp", _("basis points")
        COUNT = "count", _("count")
        DAYS = "days", _("days")
        METERS = "meters", _("meters")

    key = models.SlugField(max_length=80)
    effective_from = models.DateField()
    value = models.BigIntegerField()
    unit = models.CharField(max_length=10, choices=Unit.choices)
    description = models.CharField(max_length=300)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "effective_from"], name="parameter_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} {self.unit} from {self.effective_from}"


class PaidSource(models.Model):
    """A record a source of pay offered (a timesheet, a sick leave claim, a training claim)
    that a payroll run has paid. The unique key makes each record payable once: a rerun,
    two runs at once or a late edit cannot pay it again (ihss/core/payables.py).

    Sources read this table to mark their items paid; payroll writes it, in the same
    transaction as the paystub lines that pay the record.
    """

    # The key is the record paid (ADR 22): one index, which makes it payable once and
    # finds it, with no key of its own drawn for each of a run's 750,000.
    pk = models.CompositePrimaryKey("source", "document_id")
    source = models.CharField(max_length=40)
    document_id = models.BigIntegerField()
    # The payroll run that paid it. Not indexed: nothing looks paid records up by run, and
    # a state's run writes about 750,000 of them.
    run_id = models.BigIntegerField()
    paid_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.source} {self.document_id} paid by run {self.run_id}"
