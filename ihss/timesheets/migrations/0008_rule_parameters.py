"""Seed the numbers the timesheet rules still held as constants, as program parameters
(effective-dated, editable; ../shared/domain/ihss-facts.md gives each source)."""

import datetime as dt

from django.db import migrations

H = 60  # minutes in an hour
PARAMETERS = [
    # key, effective_from, value, unit, description, source
    (
        "daily_cap",
        dt.date(2016, 2, 1),
        24 * H,
        "minutes",
        "Most hours a provider can enter for one day, across every recipient and program",
        "A calendar day: ihss-facts §2.1 (hours per day) and §11 (validation)",
    ),
    (
        "exemption_1_daily_cap",
        dt.date(2016, 2, 1),
        12 * H,
        "minutes",
        "Most hours a day for a live-in family care provider with Exemption 1",
        "ACL 16-07 (ihss-facts §3.4): Exemption 1 adds a 12-hour daily limit",
    ),
    (
        "usual_overtime_months",
        dt.date(2016, 2, 1),
        3,
        "count",
        "Calendar months of approved hours averaged for the provider's usual monthly "
        "overtime (ACL 16-01 condition 2)",
        "ACL 16-01 (ihss-facts §3.1); the window is the portal's choice, docs/adr/0014",
    ),
    (
        "sick_leave_minimum_claim",
        dt.date(2018, 7, 1),
        1 * H,
        "minutes",
        "Smallest paid sick leave claim",
        "ACL 18-01 (ihss-facts §3.6): minimum 1 hour",
    ),
    (
        "sick_leave_claim_step",
        dt.date(2018, 7, 1),
        30,
        "minutes",
        "Paid sick leave is claimed past the minimum in steps of this many minutes",
        "ACL 18-01 (ihss-facts §3.6): then 30-minute increments",
    ),
    (
        "sick_leave_restart_after_days",
        dt.date(2018, 7, 1),
        365,
        "days",
        "Days without work after which the sick leave count starts over",
        "ACL 18-01; CDSS sick leave FAQ (ihss-facts §3.6): more than a year inactive",
    ),
    (
        "violation_clean_year_days",
        dt.date(2016, 7, 1),
        365,
        "days",
        "Days without a new violation after which the violation count drops by one",
        "ACL 16-36; IHSS/PA Caregiver Handbook 7-8-22 (ihss-facts §3.5): one year",
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
        ("timesheets", "0007_violation_limits"),
        ("core", "0002_audit_append_only_and_parameters"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
