"""Make the audit table append-only, and seed program parameters from the program's rules.

PostgreSQL: a row trigger refuses UPDATE and DELETE on core_auditevent. (TRUNCATE is a
table privilege: production revokes it from the application role, see
docs/operations/deploy.md.) SQLite: triggers refuse UPDATE always, and DELETE unless the
connection's ihss_audit_purge_allowed() function answers 1, which only the test
suite's database flush does.
"""

import datetime as dt

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_change();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_refuse_change();
"""
SQLITE_UP = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END;""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       WHEN ihss_audit_purge_allowed() IS NOT 1
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only (DELETE refused)'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
]


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


H = 60  # minutes in an hour
FLSA = dt.date(2016, 2, 1)
SOURCES = {
    "auditor": "State Auditor 2020-109",
    "dhcs": "DHCS overtime page; ACL 16-01",
    "cdss_exemption": "CDSS overtime exemption page",
    "travel": "ACIN I-18-19; UDW travel time",
    "sick": "ACL 18-01; SB 616",
    "violations": "ACL 16-36",
    "exceptions": "LA DPSS timesheet exception policy (2018)",
    "min_wage": "California minimum wage (Labor Code 1182.12)",
    "cpp": "WIC 12316.1; CDSS Career Pathways",
}
PARAMETERS = [
    # key, effective_from, value, unit, description, source
    (
        "recipient_monthly_max_severe",
        FLSA,
        283 * H,
        "minutes",
        "Most hours a severely impaired recipient can be authorized per month",
        "auditor",
    ),
    (
        "recipient_monthly_max",
        FLSA,
        195 * H,
        "minutes",
        "Most hours a recipient who is not severely impaired can be authorized per month",
        "auditor",
    ),
    (
        "combined_weekly_cap",
        FLSA,
        70 * H + 45,
        "minutes",
        "Most hours a provider can work in a workweek, IHSS and WPCS combined",
        "dhcs",
    ),
    (
        "multi_recipient_weekly_cap",
        FLSA,
        66 * H,
        "minutes",
        "Weekly cap for a provider with more than one recipient",
        "dhcs",
    ),
    (
        "exemption_weekly_cap",
        FLSA,
        90 * H,
        "minutes",
        "Weekly cap with overtime Exemption 1 or 2",
        "cdss_exemption",
    ),
    (
        "exemption_monthly_cap",
        FLSA,
        360 * H,
        "minutes",
        "Monthly cap with overtime Exemption 1 or 2",
        "cdss_exemption",
    ),
    (
        "overtime_weekly_threshold",
        FLSA,
        40 * H,
        "minutes",
        "Hours in a workweek after which overtime is paid",
        "dhcs",
    ),
    (
        "overtime_multiplier",
        FLSA,
        15000,
        "bp",
        "Overtime pay rate as a multiple of the regular rate (15000 = 1.5x)",
        "dhcs",
    ),
    (
        "travel_weekly_cap",
        FLSA,
        7 * H,
        "minutes",
        "Most travel time a provider can claim in a workweek",
        "travel",
    ),
    (
        "first_half_exception_share",
        dt.date(2018, 4, 12),
        7000,
        "bp",
        "Share of the month's hours above which a first-half timesheet is sent to the exception queue",
        "exceptions",
    ),
    (
        "sick_leave_annual",
        dt.date(2018, 7, 1),
        8 * H,
        "minutes",
        "Paid sick leave granted each fiscal year",
        "sick",
    ),
    (
        "sick_leave_annual",
        dt.date(2020, 7, 1),
        16 * H,
        "minutes",
        "Paid sick leave granted each fiscal year",
        "sick",
    ),
    (
        "sick_leave_annual",
        dt.date(2022, 7, 1),
        24 * H,
        "minutes",
        "Paid sick leave granted each fiscal year",
        "sick",
    ),
    (
        "sick_leave_annual",
        dt.date(2024, 7, 1),
        40 * H,
        "minutes",
        "Paid sick leave granted each fiscal year",
        "sick",
    ),
    (
        "sick_leave_earned_after",
        dt.date(2018, 7, 1),
        100 * H,
        "minutes",
        "Hours worked before sick leave is earned",
        "sick",
    ),
    (
        "sick_leave_usable_after",
        dt.date(2018, 7, 1),
        200 * H,
        "minutes",
        "Further hours worked before sick leave can be used",
        "sick",
    ),
    (
        "sick_leave_usable_after_days",
        dt.date(2018, 7, 1),
        60,
        "days",
        "Or calendar days after earning, whichever comes first",
        "sick",
    ),
    (
        "violation_dispute_days",
        dt.date(2016, 7, 1),
        10,
        "days",
        "Days a provider has to dispute a violation",
        "violations",
    ),
    (
        "violation_training_days",
        dt.date(2016, 7, 1),
        14,
        "days",
        "Days to finish the one-time training that rescinds a second violation",
        "violations",
    ),
    (
        "violation_suspension_days",
        dt.date(2016, 7, 1),
        90,
        "days",
        "Suspension after a third violation",
        "violations",
    ),
    (
        "violation_ineligibility_days",
        dt.date(2016, 7, 1),
        365,
        "days",
        "Ineligibility after a fourth violation",
        "violations",
    ),
    (
        "state_minimum_wage",
        dt.date(2024, 1, 1),
        1600,
        "cents",
        "California minimum wage per hour",
        "min_wage",
    ),
    (
        "state_minimum_wage",
        dt.date(2025, 1, 1),
        1650,
        "cents",
        "California minimum wage per hour",
        "min_wage",
    ),
    (
        "state_minimum_wage",
        dt.date(2026, 1, 1),
        1690,
        "cents",
        "California minimum wage per hour",
        "min_wage",
    ),
    (
        "career_pathway_incentive_hours",
        dt.date(2022, 10, 1),
        15 * H,
        "minutes",
        "Training hours in one pathway that earn an incentive",
        "cpp",
    ),
]


def seed_parameters(apps, schema_editor):
    ProgramParameter = apps.get_model("core", "ProgramParameter")
    for key, start, value, unit, description, source in PARAMETERS:
        ProgramParameter.objects.update_or_create(
            key=key,
            effective_from=start,
            defaults={
                "value": value,
                "unit": unit,
                "description": description,
                "source": SOURCES[source],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(add_triggers, drop_triggers),
        migrations.RunPython(seed_parameters, migrations.RunPython.noop),
    ]
