"""Each refusal of the hour rules in plain words, in the reader's language, with its numbers.

The rules (the rules package) give codes and minutes; this turns them into the sentence a
provider reads beside the blocked entry: "This week would total 67 h 30 min for all your
recipients; the limit is 66 h." Every number is the value in force (a refusal's own limit,
or the program parameter in force), never one written here.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ihss.core.parameters import parameter
from ihss.core.units import format_minutes
from ihss.timesheets import rules
from ihss.timesheets.policies import limits_on, sick_leave_policies


def explain(refusal: rules.Refusal) -> str:
    numbers = {
        "total": format_minutes(refusal.total),
        "limit": format_minutes(refusal.limit),
        "day": date_format(refusal.when, "DATE_FORMAT"),
        "month": date_format(refusal.when, "YEAR_MONTH_FORMAT"),
        "week": date_format(refusal.when, "DATE_FORMAT"),
    }
    if refusal.rule in (rules.SICK_NOT_YET_USABLE, rules.SICK_STEP):
        numbers.update(_sick_leave_numbers(refusal.when))
    messages = {
        rules.FUTURE_DAY: _(
            "%(day)s has not happened yet: enter hours only for days already worked."
        ),
        rules.DAY_OVER_24: _(
            "%(day)s would total %(total)s for all your recipients; a day has only %(limit)s."
        ),
        rules.LIVE_IN_FAMILY_DAY: _(
            "%(day)s would total %(total)s for all your recipients; with Exemption 1 (live-in "
            "family care provider) the limit is %(limit)s a day."
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
            "first %(earned_after)s of work, and can be used after %(usable_after)s more or "
            "%(usable_after_days)s days, whichever comes first."
        ),
        rules.SICK_MINIMUM: _(
            "A sick leave claim must be at least %(limit)s; this one is %(total)s."
        ),
        rules.SICK_STEP: _(
            "%(total)s cannot be claimed: beyond the minimum of %(minimum_claim)s, sick leave "
            "is claimed in steps of %(limit)s."
        ),
        rules.SICK_OVER_BALANCE: _(
            "This claim of %(total)s is more than your paid sick leave balance of %(limit)s."
        ),
    }
    return messages[refusal.rule] % numbers


def _sick_leave_numbers(day: dt.date) -> dict[str, str]:
    """The thresholds of paid sick leave in force in the fiscal year of `day`, or of the
    first year with paid sick leave for a day before it (one query)."""
    policies = sick_leave_policies(max(day, timezone.localdate()))
    policy = policies.get(rules.fiscal_year_containing(day).start)
    if policy is None and policies:
        policy = policies[min(policies)]
    if policy is None:
        keys = ("earned_after", "usable_after", "usable_after_days", "minimum_claim")
        return dict.fromkeys(keys, "")
    return {
        "minimum_claim": format_minutes(policy.minimum_claim),
        "earned_after": format_minutes(policy.earned_after),
        "usable_after": format_minutes(policy.usable_after),
        "usable_after_days": str(policy.usable_after_days),
    }


def explain_violation(
    code: str,
    *,
    limit: int | None = None,
    limits: rules.HourLimits | None = None,
    exempt: bool = False,
    on: dt.date | None = None,
) -> str:
    """A violation (rules.VIOLATION_CODES) in plain words, with the limit that was passed:
    `limit` as recorded with the violation (Violation.limits), or else the one of `limits`
    (the limits in force on `on`, today by default): 66 hours, or 90 for a provider with
    an exemption."""
    limits = limits or limits_on(on or timezone.localdate())
    weekly_cap = limits.exempt_week if exempt else limits.multi_recipient_week
    messages = {
        rules.VIOLATION_OVER_40: _(
            "You worked more than %(overtime)s in a workweek for a recipient authorized "
            "%(overtime)s a week or less, without the county's approval."
        ),
        rules.VIOLATION_WEEKLY_MAXIMUM: _(
            "You worked more hours in a workweek than the recipient's weekly maximum, "
            "without the county's approval."
        ),
        rules.VIOLATION_OVER_66: _(
            "Your hours in a workweek for all your recipients together passed %(cap)s."
        ),
        rules.VIOLATION_TRAVEL_OVER_7: _("Your travel time in a workweek passed %(travel)s."),
    }
    numbers = {
        "overtime": format_minutes(limits.overtime_after),
        "cap": format_minutes(weekly_cap),
        "travel": format_minutes(limits.travel_week),
    }
    if limit is not None:  # the value in force when the violation was found
        numbers = dict.fromkeys(numbers, format_minutes(limit))
    return messages[code] % numbers


def explain_outcome(outcome: rules.ViolationOutcome) -> str:
    """What a recorded violation brings, in plain words, with its dates."""

    def day(value: dt.date | None) -> str:
        return date_format(value, "DATE_FORMAT") if value else ""

    numbers = {
        "number": outcome.number,
        "dispute_by": day(outcome.dispute_by),
        "training_due": day(outcome.training_due),
        "start": day(outcome.suspended_from or outcome.ineligible_from),
        "end": day(outcome.suspended_until or outcome.ineligible_until),
    }
    messages = {
        rules.CONSEQUENCE_TRACKED_ONLY: _(
            "This violation is recorded but not counted: a violation was already counted "
            "this calendar month."
        ),
        rules.CONSEQUENCE_NOTICE: _(
            "This is violation number %(number)s. You may ask the county to review it "
            "by %(dispute_by)s."
        ),
        rules.CONSEQUENCE_NOTICE_WITH_TRAINING: _(
            "This is violation number %(number)s. If you complete the one-time self-study "
            "training by %(training_due)s, it will be removed; this offer is made only once. "
            "You may ask the county to review it by %(dispute_by)s."
        ),
        rules.CONSEQUENCE_SUSPENSION: _(
            "This is violation number %(number)s: you are suspended from working as an IHSS "
            "provider from %(start)s to %(end)s. You may ask the county to review it by "
            "%(dispute_by)s."
        ),
        rules.CONSEQUENCE_INELIGIBILITY: _(
            "This is violation number %(number)s: you cannot work as an IHSS provider from "
            "%(start)s to %(end)s, and must then enroll again. Your violation count starts "
            "again from zero. You may ask the county to review it by %(dispute_by)s."
        ),
    }
    return messages[outcome.consequence] % numbers


# Why an approved timesheet waits for the county (rules.REVIEW_FLAGS), in plain words;
# flag_labels gives them with the first-half share in force.
FLAG_LABELS = {
    rules.OVER_FIRST_HALF_SHARE: gettext_lazy(
        "More than the month's first-half share of hours in the first half"
    ),
    rules.LATE: gettext_lazy("Submitted late"),
    rules.RANDOM_HOLD: gettext_lazy("Chosen at random for a signature check"),
    rules.MANUAL_HOLD: gettext_lazy("Held by the county"),
    rules.RULE_OVERRIDE: gettext_lazy("Past the weekly maximum by the county's exception"),
}


def first_half_share(on: dt.date) -> str:
    """The share of the month's hours past which a first-half timesheet waits for the
    county, in force on `on`, as a percent ("70 %"), from its basis points (one query)."""
    basis_points = parameter("first_half_exception_share", on=on)
    whole, part = divmod(basis_points, 100)
    return _("%(percent)s %%") % {"percent": f"{whole}.{part:02d}".rstrip("0").rstrip(".")}


def flag_labels(on: dt.date, *, share: str | None = None) -> dict[str, str]:
    """The review flags in plain words, with the first-half share in force on `on` (one
    query, none when the caller gives the `share` it read)."""
    labels = {code: str(label) for code, label in FLAG_LABELS.items()}
    labels[rules.OVER_FIRST_HALF_SHARE] = _(
        "More than %(share)s of the month's hours in the first half"
    ) % {"share": share or first_half_share(on)}
    return labels
