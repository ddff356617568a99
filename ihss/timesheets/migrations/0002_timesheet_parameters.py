"""Seed the program parameters of the timesheet workflow (effective-dated, editable)."""

import datetime as dt

from django.db import migrations

PARAMETERS = [
    # key, effective_from, value, unit, description, source
    (
        "timesheet_late_days",
        dt.date(2016, 2, 1),
        14,
        "days",
        "Days after a pay period ends after which a first submission is late and reviewed by the county",
        "Paper-era rule: submit within 2 weeks of the period's last day (Butte PA CMIPS II page)",
    ),
    (
        "timesheet_random_hold_share",
        dt.date(2018, 4, 12),
        50,
        "bp",
        "Share of approved timesheets held at random for a county signature check",
        "LA DPSS timesheet exception policy (2018): random holds; the share is the portal's choice",
    ),
    (
        "timesheet_review_reminder_days",
        dt.date(2017, 7, 14),
        3,
        "days",
        "Days without recipient action after which the recipient is reminded and the provider told",
        "ACIN I-17-22: 'No Recipient Action on Submitted Timesheet'; the delay is the portal's choice",
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


class Migration(migrations.Migration):
    dependencies = [
        ("timesheets", "0001_initial"),
        ("core", "0002_audit_append_only_and_parameters"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
