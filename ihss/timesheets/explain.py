"""Each refusal of the hour rules in plain words, in the reader's language, with its numbers.

The rules (rules.py) give codes and minutes; this turns them into the sentence a provider
reads beside the blocked entry: "This week would total 67 h 30 min for all your
recipients; the limit is 66 h."
"""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ihss.core.units import format_minutes
from ihss.timesheets import rules


def explain(refusal: rules.Refusal) -> str:
    numbers = {
        "total": format_minutes(refusal.total),
        "limit": format_minutes(refusal.limit),
        "day": date_format(refusal.when, "DATE_FORMAT"),
        "month": date_format(refusal.when, "YEAR_MONTH_FORMAT"),
        "week": date_format(refusal.when, "DATE_FORMAT"),
    }
    messages = {
        rules.FUTURE_DAY: _(
            "%(day)s has not happened yet: enter hours only for days already worked."
        ),
        rules.DAY_OVER_24: _(
            "%(day)s would total %(total)s for all your recipients; a day has only %(limit)s."
        ),
        rules.RECIPIENT_MONTH: _(
            "This recipient's hours for %(month)s would total %(total)s with the other "
            "providers' hours; the recipient is authorized for %(limit)s."
        ),
        rules.PROVIDER_ASSIGNED: _(
            "Your hours for this recipient in %(month)s would total %(total)s; you are "
            "assigned %(limit)s."
        ),
        rules.WEEKLY_MAXIMUM: _(
            "The week starting %(week)s would total %(total)s for this recipient; the "
            "recipient's weekly maximum is %(limit)s. The county can approve more."
        ),
        rules.MULTI_RECIPIENT_WEEK: _(
            "The week starting %(week)s would total %(total)s for all your recipients; "
            "the limit is %(limit)s."
        ),
        rules.EXEMPT_WEEK: _(
            "The week starting %(week)s would total %(total)s; with your exemption the "
            "limit is %(limit)s."
        ),
        rules.EXEMPT_MONTH: _(
            "%(month)s would total %(total)s; with your exemption the limit is %(limit)s a month."
        ),
        rules.COMBINED_WEEK: _(
            "The week starting %(week)s would total %(total)s in IHSS and WPCS together; "
            "the limit is %(limit)s."
        ),
        rules.TRAVEL_NO_AGREEMENT: _(
            "On %(day)s you claimed %(total)s of travel to this recipient, but no travel "
            "agreement (SOC 2255) covers travel to them from the recipient before."
        ),
        rules.TRAVEL_NOT_BETWEEN_WORK: _(
            "On %(day)s you claimed %(total)s of travel to this recipient: travel time is "
            "paid only directly between two different recipients you worked for that day."
        ),
        rules.TRAVEL_AGREEMENT_WEEK: _(
            "The week starting %(week)s would total %(total)s of travel to this recipient "
            "from the one before; your travel agreement allows %(limit)s a week."
        ),
        rules.TRAVEL_WEEK: _(
            "The week starting %(week)s would total %(total)s of travel time; the limit is "
            "%(limit)s a week."
        ),
        rules.SICK_NOT_YET_USABLE: _(
            "Your paid sick leave cannot be used on %(day)s yet. It is earned after your "
            "first 100 hours of work, and can be used after 200 more hours or 60 days, "
            "whichever comes first."
        ),
        rules.SICK_MINIMUM: _(
            "A sick leave claim must be at least %(limit)s; this one is %(total)s."
        ),
        rules.SICK_STEP: _(
            "%(total)s cannot be claimed: after the first hour, sick leave is claimed in "
            "steps of %(limit)s."
        ),
        rules.SICK_OVER_BALANCE: _(
            "This claim of %(total)s is more than your paid sick leave balance of %(limit)s."
        ),
    }
    return messages[refusal.rule] % numbers
