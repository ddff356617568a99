"""Payroll runs, paystubs, their lines and deductions, and the payments they issue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ihss.cases.models import County, Program, Provider, Recipient


class PayrollRun(models.Model):
    """The pay of one pay period, for the whole state: draft -> calculated -> approved ->
    issued. Calculation works through providers in order and records how far it got, so an
    interrupted run resumes where it stopped; issuing writes the payment file once."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CALCULATING = "calculating", _("Calculating")
        CALCULATED = "calculated", _("Calculated, waiting for approval")
        APPROVED = "approved", _("Approved, waiting to be issued")
        ISSUING = "issuing", _("Issuing payments")
        ISSUED = "issued", _("Issued")

    period_start = models.DateField(_("pay period start"), unique=True)
    period_end = models.DateField(_("pay period end"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Progress of the calculation (and of issuing): what the progress bar shows.
    started_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    progress_at = models.DateTimeField(null=True, blank=True)
    # The process calculating it (a random id): a batch is written only by its claimant.
    worker = models.CharField(max_length=32, blank=True)
    # The last provider whose stub is written: a resumed calculation starts after it.
    # (Runs calculated before `parts` existed; newer runs keep it in `parts`.)
    last_provider_id = models.BigIntegerField(default=0)
    # The ranges of providers calculated side by side, each by its own process, with the
    # last provider written in each: [{"after": 0, "through": 350123, "last": 1200,
    # "done": false}, ...]; one range covering everyone when there is one process.
    parts = models.JSONField(default=list, blank=True)
    # The first day of the weeks read (late hours reach back to their week's Sunday).
    since = models.DateField(null=True, blank=True)
    calculated_at = models.DateTimeField(_("calculated"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pay_date = models.DateField(_("pay date"), null=True, blank=True)
    # Totals, kept when the calculation ends.
    stub_count = models.PositiveIntegerField(_("paystubs"), default=0)
    gross_cents = models.BigIntegerField(_("gross pay"), default=0)
    deductions_cents = models.BigIntegerField(_("deductions"), default=0)
    share_of_cost_cents = models.BigIntegerField(_("share of cost"), default=0)
    net_cents = models.BigIntegerField(_("net pay"), default=0)
    # Items not paid by this run and why (a county without a wage rate on a day...).
    held = models.JSONField(_("not paid"), default=list, blank=True)
    error = models.TextField(blank=True)
    # The payment file (NACHA) and the check register, kept in the default storage.
    payment_file = models.CharField(max_length=200, blank=True)
    payment_file_sha256 = models.CharField(max_length=64, blank=True)
    check_register = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="run_period_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"Payroll {self.period_start:%Y-%m-%d} - {self.period_end:%Y-%m-%d}"

    @property
    def percent(self) -> int:
        if self.status in (self.Status.CALCULATED, self.Status.APPROVED, self.Status.ISSUED):
            return 100
        return 0 if not self.total else min(100, self.processed * 100 // self.total)


class Paystub(models.Model):
    """What one provider is paid by one run: gross, each deduction, net, and how it is paid."""

    class Method(models.TextChoices):
        DEPOSIT = "deposit", _("Direct deposit")
        CHECK = "check", _("Check (warrant)")
        MIXED = "mixed", _("Direct deposit and check")

    # No index of their own: "stub_once_per_run" (run, provider) and "stub_provider_idx"
    # (provider, run) serve both, and a state's run writes 700,000 stubs. Nor are they
    # checked by the database row by row at commit (700,000 checks, each locking the row
    # it finds): the stubs are written only by the run that owns them (services/stubs.py),
    # for the providers of the timesheets and claims it pays, whose own references to the
    # provider the database does check, with the county read from the provider's record;
    # and no run, county or provider is ever deleted (PROTECT).
    run = models.ForeignKey(
        PayrollRun,
        on_delete=models.PROTECT,
        related_name="stubs",
        db_index=False,
        db_constraint=False,
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        related_name="paystubs",
        db_index=False,
        db_constraint=False,
    )
    # Not indexed: stubs are found by run or by provider; a run's totals by county group
    # the run's stubs.
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    gross_cents = models.BigIntegerField(_("gross pay"))
    deductions_cents = models.BigIntegerField(_("deductions"))
    net_cents = models.BigIntegerField(_("net pay"))
    share_of_cost_cents = models.BigIntegerField(_("share of cost paid by recipients"))
    state_pays_cents = models.BigIntegerField(_("paid by the state"))
    regular_minutes = models.PositiveIntegerField(default=0)
    overtime_minutes = models.PositiveIntegerField(default=0)
    sick_leave_minutes = models.PositiveIntegerField(default=0)
    method = models.CharField(max_length=8, choices=Method.choices, blank=True)
    # Sick leave as the stub shows it (earned, used, available), when the source offers it.
    sick_leave = models.JSONField(default=dict, db_default={}, blank=True)

    class Meta:
        ordering = ["-run__period_start", "provider_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "provider"], name="stub_once_per_run"),
            models.CheckConstraint(condition=Q(net_cents__gte=0), name="stub_net_not_negative"),
        ]
        indexes = [models.Index(fields=["provider", "run"], name="stub_provider_idx")]

    def __str__(self) -> str:
        return f"{self.provider_id} in {self.run}"


class PayLine(models.Model):
    """A line of a paystub: one document's minutes of one kind, week, rate and part, with
    the numbers that explain it (the week's minutes, recipients and the threshold)."""

    class Part(models.TextChoices):
        REGULAR = "regular", _("Regular")
        OVERTIME = "overtime", _("Overtime")
        OVERTIME_ADJUSTMENT = "overtime_adjustment", _("Overtime adjustment")
        AMOUNT = "amount", _("Amount")

    # A line is known by its stub and its place on it (from 1, in the order the rules
    # give them): the key is the index that finds a stub's lines, so each of a run's
    # millions of lines goes into one index, with no key of its own drawn from a sequence
    # (docs/benchmarks.md, "Payroll"; ADR 22).
    pk = models.CompositePrimaryKey("stub_id", "number")
    # A stub's lines, deductions and payments are written with it or by its run's issue
    # step, and a stub is never deleted once written (its run is PROTECTed): the database
    # does not check each of their millions of rows against it again at commit
    # (docs/benchmarks.md, "Payroll").
    stub = models.ForeignKey(
        Paystub,
        on_delete=models.CASCADE,
        related_name="lines",
        db_constraint=False,
        db_index=False,  # the key's first column
    )
    number = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=40)
    document_id = models.BigIntegerField()
    # Lines are read by stub (a document's through its provider's stubs), never by
    # document, recipient or county alone: no index for them, and no constraint checked per
    # row at commit (millions of lines a run; docs/benchmarks.md, "Payroll"). Recipient and
    # county are copied from the timesheet's own, which the database does check, and
    # neither is ever deleted (PROTECT).
    recipient = models.ForeignKey(
        Recipient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    program = models.CharField(max_length=4, choices=Program.choices)
    kind = models.CharField(max_length=12)
    part = models.CharField(max_length=20, choices=Part.choices)
    week_start = models.DateField()
    first_day = models.DateField()
    last_day = models.DateField()
    minutes = models.PositiveIntegerField()
    rate_cents = models.PositiveIntegerField()
    multiplier_bp = models.PositiveIntegerField()
    cents = models.BigIntegerField()
    week_minutes = models.PositiveIntegerField()
    week_recipients = models.PositiveSmallIntegerField()
    threshold_minutes = models.PositiveIntegerField()

    class Meta:
        ordering = ["week_start", "first_day", "number"]

    def __str__(self) -> str:
        return f"{self.kind} {self.part} {self.minutes} min"


class Deduction(models.Model):
    """A withholding line of a stub (ihss/payroll/rules/withholding.py), kept even when it
    takes nothing: the wages it counted toward a threshold, the wages it taxed, the tax due
    and carried from earlier stubs, what was taken, and a code for why (the paystub turns
    it into words). Social Security, Medicare and SDI have a line per recipient."""

    pk = models.CompositePrimaryKey("stub_id", "number")  # as PayLine's
    stub = models.ForeignKey(  # not checked per row: as PayLine's
        Paystub,
        on_delete=models.CASCADE,
        related_name="deductions",
        db_constraint=False,
        db_index=False,  # the key's first column
    )
    number = models.PositiveSmallIntegerField()  # its place on the stub, from 1
    code = models.CharField(max_length=30)
    recipient = models.ForeignKey(  # read by stub, never by recipient: as PayLine's
        Recipient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    base_cents = models.BigIntegerField()
    rate_bp = models.PositiveIntegerField(null=True, blank=True)
    counted_cents = models.BigIntegerField(default=0)
    tax_cents = models.BigIntegerField(default=0)
    carried_cents = models.BigIntegerField(default=0)
    due_cents = models.BigIntegerField(default=0)
    amount_cents = models.BigIntegerField()
    note = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["stub_id", "number"]

    def __str__(self) -> str:
        return f"{self.code} {self.amount_cents}"


class ShareOfCostPaid(models.Model):
    """The part of a stub's pay a recipient with a share of cost pays the provider directly
    (the State pays less by it), counted toward that recipient's share for the month."""

    stub = models.ForeignKey(Paystub, on_delete=models.CASCADE, related_name="shares_of_cost")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()  # its first day
    monthly_cents = models.BigIntegerField()
    amount_cents = models.BigIntegerField()
    note = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["recipient", "month"], name="soc_paid_month_idx")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.month:%Y-%m}: {self.amount_cents}"


class Payment(models.Model):
    """Money sent for a stub: to one bank account, or by check. A stub split across
    accounts (direct deposit per recipient) has one payment per account."""

    class Method(models.TextChoices):
        DEPOSIT = "deposit", _("Direct deposit")
        CHECK = "check", _("Check (warrant)")

    stub = models.ForeignKey(  # not checked per row: as PayLine's
        Paystub, on_delete=models.CASCADE, related_name="payments", db_constraint=False
    )
    method = models.CharField(max_length=8, choices=Method.choices)
    amount_cents = models.BigIntegerField()
    enrollment_id = models.BigIntegerField(null=True, blank=True)  # the direct deposit used
    account_last4 = models.CharField(max_length=4, blank=True)
    trace_number = models.CharField(max_length=15, blank=True)
    check_number = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.method} {self.amount_cents}"
