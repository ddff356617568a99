"""The withholding and share-of-cost records, and the numbers the withholding rules read
(ihss.payroll.rules.withholding.WithholdingPolicy), seeded as effective-dated program
parameters with their sources (docs/payroll.md, "Withholdings and share of cost")."""

import datetime as dt

import django.db.models.deletion
from django.db import migrations, models

D = dt.date
SSA_BASE = "SSA, Contribution and benefit base: https://www.ssa.gov/oact/cola/cbb.html"
IRS_926 = (
    "IRS Publication 926, Household Employer's Tax Guide (cash wage threshold, per employer); "
    "SSA household workers: https://www.ssa.gov/benefits/retirement/planner/household.html"
)
IRS_15 = "IRS Publication 15 (Circular E), Employer's Tax Guide; IRS Topic 751"
EDD_RATES = (
    "EDD, Contribution rates, withholding schedules, and meals and lodging values: "
    "https://edd.ca.gov/en/payroll_taxes/rates_and_withholding/ (no wage limit since 2024, SB 951)"
)
SDI_750 = (
    "EDD Household Employer's Guide (DE 8829): $750 in cash wages in a calendar quarter; "
    "SB County IHSS PA paycheck FAQ (ihss-facts 5.3)"
)
PARAMETERS = [
    # key, effective_from, value, unit, description, source
    (
        "social_security_rate",
        D(2024, 1, 1),
        620,
        "bp",
        "Social Security (OASDI) tax withheld from the employee's wages (620 = 6.2 %)",
        IRS_15,
    ),
    *[
        (
            "social_security_wage_base",
            D(year, 1, 1),
            dollars * 100,
            "cents",
            "Wages of a calendar year, per employer (recipient), on which Social Security is "
            "withheld; none past it",
            SSA_BASE,
        )
        for year, dollars in ((2024, 168_600), (2025, 176_100), (2026, 184_500))
    ],
    (
        "medicare_rate",
        D(2024, 1, 1),
        145,
        "bp",
        "Medicare (HI) tax withheld from the employee's wages, no wage limit (145 = 1.45 %)",
        IRS_15,
    ),
    *[
        (
            "household_fica_threshold",
            D(year, 1, 1),
            dollars * 100,
            "cents",
            "Cash wages from one recipient (household employer) in a calendar year at which "
            "Social Security and Medicare are withheld on all of that year's wages",
            IRS_926,
        )
        for year, dollars in ((2024, 2_700), (2025, 2_800), (2026, 3_000))
    ],
    *[
        (
            "sdi_rate",
            D(year, 1, 1),
            bp,
            "bp",
            "California State Disability Insurance (incl. Paid Family Leave) withheld from "
            "the employee's wages, no wage limit (130 = 1.3 %)",
            EDD_RATES,
        )
        for year, bp in ((2024, 110), (2025, 120), (2026, 130))
    ],
    (
        "sdi_quarterly_threshold",
        D(2024, 1, 1),
        750 * 100,
        "cents",
        "Cash wages from one recipient in a calendar quarter at which SDI is withheld on all "
        "of that quarter's wages",
        SDI_750,
    ),
]


def seed(apps, schema_editor):
    ProgramParameter = apps.get_model("core", "ProgramParameter")
    for key, start, value, unit, description, source in PARAMETERS:
        ProgramParameter.objects.update_or_create(
            key=key,
            effective_from=start,
            defaults={"value": value, "unit": unit, "description": description, "source": source},
        )


def unseed(apps, schema_editor):
    ProgramParameter = apps.get_model("core", "ProgramParameter")
    for key, start, *_rest in PARAMETERS:
        ProgramParameter.objects.filter(key=key, effective_from=start).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_folded_name_indexes"),
        ("payroll", "0001_initial"),
        ("core", "0002_audit_append_only_and_parameters"),
    ]

    operations = [
        migrations.CreateModel(
            name="ShareOfCost",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("effective_from", models.DateField(verbose_name="effective from")),
                (
                    "effective_to",
                    models.DateField(blank=True, null=True, verbose_name="effective to"),
                ),
                (
                    "monthly_cents",
                    models.PositiveIntegerField(verbose_name="share of cost per month (cents)"),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="shares_of_cost",
                        to="cases.recipient",
                    ),
                ),
            ],
            options={
                "verbose_name": "share of cost",
                "verbose_name_plural": "shares of cost",
                "ordering": ["recipient", "-effective_from"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("recipient", "effective_from"), name="share_of_cost_once_per_day"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("effective_to__isnull", True),
                            ("effective_to__gte", models.F("effective_from")),
                            _connector="OR",
                        ),
                        name="share_of_cost_dates_in_order",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="WithholdingElection",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("effective_from", models.DateField(verbose_name="effective from")),
                (
                    "effective_to",
                    models.DateField(blank=True, null=True, verbose_name="effective to"),
                ),
                (
                    "federal_income_tax_cents",
                    models.PositiveIntegerField(
                        default=0, verbose_name="federal income tax per paycheck (cents)"
                    ),
                ),
                (
                    "state_income_tax_cents",
                    models.PositiveIntegerField(
                        default=0, verbose_name="state income tax per paycheck (cents)"
                    ),
                ),
                (
                    "elective_sdi",
                    models.BooleanField(default=False, verbose_name="elected SDI coverage"),
                ),
                (
                    "union_dues_bp",
                    models.PositiveIntegerField(
                        default=0, verbose_name="union dues (basis points of gross)"
                    ),
                ),
                (
                    "health_premium_cents",
                    models.PositiveIntegerField(
                        default=0, verbose_name="health plan premium per month (cents)"
                    ),
                ),
                (
                    "provider",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="withholding_elections",
                        to="cases.provider",
                    ),
                ),
            ],
            options={
                "ordering": ["provider", "-effective_from"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("provider", "effective_from"), name="election_once_per_day"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("effective_to__isnull", True),
                            ("effective_to__gte", models.F("effective_from")),
                            _connector="OR",
                        ),
                        name="election_dates_in_order",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("union_dues_bp__lte", 10000)),
                        name="election_dues_at_most_all",
                    ),
                ],
            },
        ),
        migrations.RunPython(seed, unseed),
    ]
