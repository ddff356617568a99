"""An exception to the weekly maximum is granted once per recipient, program, month and
provider (or every provider). Copies granted before this (double clicks, simultaneous
requests) are dropped first, keeping the earliest: each grant stays in the recipient's
audit history, and the copies allowed nothing the first did not."""

from django.conf import settings
from django.db import migrations, models


def drop_copies(apps, schema_editor):
    exception = apps.get_model("timesheets", "WeeklyMaximumException")
    seen = set()
    copies = []
    rows = exception.objects.order_by("granted_at", "id").values_list(
        "id", "recipient_id", "program", "month", "provider_id"
    )
    for pk, *key in rows.iterator():
        if tuple(key) in seen:
            copies.append(pk)
        else:
            seen.add(tuple(key))
    for start in range(0, len(copies), 500):
        exception.objects.filter(pk__in=copies[start : start + 500]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_name_prefix_search_indexes"),
        ("timesheets", "0005_travel_and_sick_leave"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_copies, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="weeklymaximumexception",
            constraint=models.UniqueConstraint(
                condition=models.Q(("provider__isnull", False)),
                fields=("recipient", "program", "month", "provider"),
                name="exception_once_for_a_provider",
            ),
        ),
        migrations.AddConstraint(
            model_name="weeklymaximumexception",
            constraint=models.UniqueConstraint(
                condition=models.Q(("provider__isnull", True)),
                fields=("recipient", "program", "month"),
                name="exception_once_for_every_provider",
            ),
        ),
    ]
