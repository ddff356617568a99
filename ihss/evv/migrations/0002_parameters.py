import datetime as dt

from django.db import migrations

# EVV's numbers. California's check-in and check-out began on July 1 2023 (ihss-facts
# 4.2); none of these values is set by CDSS in a public source, so each is the portal's
# choice, for the state to change as a new effective-dated row.
SOURCE = "Portal default (docs/evv.md); no published CDSS value"
START = dt.date(2023, 7, 1)
PARAMETERS = [
    (
        "evv_range_tolerance_meters",
        250,
        "meters",
        "Distance from the recipient's address, plus the fix's accuracy, past which a Home "
        "check-in or check-out is flagged out of range (never blocked)",
    ),
    (
        "evv_clock_ahead_minutes",
        5,
        "minutes",
        "How far a phone's punch time may be ahead of its arrival before it is flagged",
    ),
    (
        "evv_punch_max_age_minutes",
        10_080,
        "minutes",
        "How old a punch may be when it arrives (kept offline) before it is flagged (7 days)",
    ),
    (
        "evv_checkout_reminder_minute",
        1_260,
        "minutes",
        "Time of day (minutes after midnight) after which a check-in with no check-out "
        "gets a reminder (9:00 pm)",
    ),
    (
        "evv_coordinates_retention_days",
        180,
        "days",
        "Days a punch's coordinates are kept; then they are deleted (its range verdict stays)",
    ),
]


def seed(apps, schema_editor):
    ProgramParameter = apps.get_model("core", "ProgramParameter")
    for key, value, unit, description in PARAMETERS:
        ProgramParameter.objects.update_or_create(
            key=key,
            effective_from=START,
            defaults={"value": value, "unit": unit, "description": description, "source": SOURCE},
        )


def unseed(apps, schema_editor):
    ProgramParameter = apps.get_model("core", "ProgramParameter")
    ProgramParameter.objects.filter(
        key__in=[p[0] for p in PARAMETERS], effective_from=START
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evv", "0001_initial"),
        ("core", "0004_programparameter_meters"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
