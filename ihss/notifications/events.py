"""The kinds of notice the portal sends, and what each one needs.

Every capability raises its notices by name through `services.notify`. The registry says
which category a notice belongs to (security and payment notices cannot be switched off,
only moved between email and text), who usually receives it, and a sample context that
the template tests render in every language.

Context values are plain JSON: text, integers (money in cents, hours in minutes) and
ISO dates ("2026-11-15"), which the templates format in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    SECURITY = "security", _("Account security")
    PAYMENT = "payment", _("Pay")
    PROGRAM = "program", _("Program notices")
    TIMESHEETS = "timesheets", _("Timesheets")
    TRAINING = "training", _("Career Pathways training")
    REMINDERS = "reminders", _("Reminders")


# Notices a person may move between channels but not switch off.
REQUIRED_CATEGORIES = frozenset({Category.SECURITY, Category.PAYMENT, Category.PROGRAM})


class Event(models.TextChoices):
    TIMESHEET_READY_FOR_REVIEW = "timesheet_ready_for_review", _("Timesheet ready for review")
    TIMESHEET_APPROVED = "timesheet_approved", _("Timesheet approved")
    TIMESHEET_REJECTED = "timesheet_rejected", _("Timesheet rejected")
    TIMESHEET_NO_RECIPIENT_ACTION = (
        "timesheet_no_recipient_action",
        _("Timesheet not yet reviewed by the recipient"),
    )
    PAYMENT_ISSUED = "payment_issued", _("Payment issued")
    TRAVEL_CLAIM_NOT_PAID = "travel_claim_not_paid", _("Travel claim not paid")
    DIRECT_DEPOSIT_CHANGED = "direct_deposit_changed", _("Direct deposit changed")
    SIGN_IN_LOCKED = "sign_in_locked", _("Sign-in locked")
    PREFERENCES_CHANGED = "preferences_changed", _("Notice settings changed")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    SIGN_IN_PROTECTION = "sign_in_protection", _("Second factor changed")
    VIOLATION_NOTICE = "violation_notice", _("Violation notice")
    CLASS_CONFIRMATION = "class_confirmation", _("Class registration confirmed")
    WAITLIST_PROMOTION = "waitlist_promotion", _("Moved from the waitlist into a class")
    CLASS_REMINDER = "class_reminder", _("Class reminder")
    CLASS_CHANGED = "class_changed", _("Class changed")
    CLASS_CANCELLED = "class_cancelled", _("Class cancelled")
    TRAINING_CLAIM_DUE = "training_claim_due", _("Training time to confirm")
    INCENTIVE_EARNED = "incentive_earned", _("Training incentive earned")
    PAY_PERIOD_ENDING = "pay_period_ending", _("Pay period ends tomorrow")
    COACHING_OFFERED = "coaching_offered", _("Coaching times offered")
    COACHING_BOOKED = "coaching_booked", _("Coaching session booked")
    COACHING_REMINDER = "coaching_reminder", _("Coaching session reminder")
    EVV_CHECKOUT_REMINDER = "evv_checkout_reminder", _("Check-out reminder")
    # Answers to a request made on a sign-in page: by email only (see EventSpec.email_only).
    EMAIL_CONFIRMATION = "email_confirmation", _("Confirm your email")
    PASSWORD_RESET_LINK = "password_reset_link", _("Password reset link")
    USERNAME_REMINDER = "username_reminder", _("Username reminder")


@dataclass(frozen=True)
class EventSpec:
    event: Event
    category: Category
    description: Any  # lazy translated text shown on the settings page
    sample: dict[str, Any] = field(default_factory=dict)
    # The answer to a request made on a sign-in page (a reset link, a username): it goes
    # to the account's email address whatever the person chose, never by text, and is
    # not on the settings page. Its link, if any, is made when the email is sent.
    email_only: bool = False
    # What the email's link button says, when it is not "See it in the IHSS portal".
    link_label: Any = None
    # Its link carries a single-use secret, made by a maker in EMAIL_LINKS at sending.
    secret_link: bool = False
    # The roles whose holders receive it ("provider", "recipient": role values, since this
    # module imports no app); empty for notices about anyone's account. The settings page
    # offers a notice only to people holding one of its roles.
    audience: frozenset[str] = frozenset()
    # Sent by email and by text (to a confirmed mobile number) whatever the person chose:
    # a change to where their pay goes must reach them every way it can. No choice is
    # offered for it on the settings page.
    every_channel: bool = False
    # False until a part of the portal raises it (pay, direct deposit and training are not
    # built yet): the settings page does not offer a notice nothing sends. A test checks
    # this against the code that raises notices.
    sent: bool = True

    @property
    def required(self) -> bool:
        return self.category in REQUIRED_CATEGORIES

    def offered_to(self, roles: Iterable[str]) -> bool:
        """Whether a person holding `roles` chooses how this notice reaches them."""
        if self.email_only or self.every_channel or not self.sent:
            return False
        return not self.audience or not self.audience.isdisjoint(roles)


PROVIDERS = frozenset({"provider"})
COACHING = frozenset({"provider", "coach"})
RECIPIENTS = frozenset({"recipient"})


_PERIOD = {"period_start": "2026-11-01", "period_end": "2026-11-15"}

SPECS: dict[str, EventSpec] = {
    spec.event.value: spec
    for spec in [
        EventSpec(
            Event.TIMESHEET_READY_FOR_REVIEW,
            Category.TIMESHEETS,
            _("For recipients: a provider's timesheet is waiting for your approval."),
            {"provider_name": "Ana Reyes", **_PERIOD, "minutes": 4200, "review_by": "2026-11-18"},
            audience=RECIPIENTS,
        ),
        EventSpec(
            Event.TIMESHEET_APPROVED,
            Category.TIMESHEETS,
            _("For providers: the recipient approved your timesheet."),
            {"recipient_name": "Rosa Delgado", **_PERIOD, "minutes": 4200},
            audience=PROVIDERS,
        ),
        EventSpec(
            Event.TIMESHEET_REJECTED,
            Category.PAYMENT,
            _("For providers: the recipient rejected your timesheet, so it cannot be paid yet."),
            {"recipient_name": "Rosa Delgado", **_PERIOD, "reason": "Hours on Nov 3 are wrong."},
            audience=PROVIDERS,
        ),
        EventSpec(
            Event.TIMESHEET_NO_RECIPIENT_ACTION,
            Category.TIMESHEETS,
            _("For providers: the recipient has not yet reviewed your timesheet."),
            {"recipient_name": "Rosa Delgado", **_PERIOD, "submitted_on": "2026-11-15"},
            audience=PROVIDERS,
        ),
        EventSpec(
            Event.PAYMENT_ISSUED,
            Category.PAYMENT,
            _("For providers: a payment was issued to you."),
            {**_PERIOD, "amount_cents": 123456, "paid_on": "2026-11-25", "method": "deposit"},
            # Raised by ihss/payroll/services/issue.py, linking to the paystub.
            link_label=_("See your paystub"),
            audience=PROVIDERS,
        ),
        EventSpec(
            Event.TRAVEL_CLAIM_NOT_PAID,
            Category.PAYMENT,
            _("For providers: a travel claim could not be paid."),
            {**_PERIOD, "reason": "No travel agreement (SOC 2255) covers these trips."},
            audience=PROVIDERS,
            sent=False,
        ),
        EventSpec(
            Event.DIRECT_DEPOSIT_CHANGED,
            Category.SECURITY,
            _("Your direct deposit bank account was changed."),
            {
                "change": "changed",  # enrolled, changed, cancelled or unused (dis-enrolled)
                "account_last4": "6789",
                "changed_on": "2026-11-20",
                "effective_on": "2026-11-30",
                "recipient_name": "",  # "" for all recipients
            },
            audience=PROVIDERS,
            every_channel=True,
        ),
        EventSpec(
            Event.SIGN_IN_LOCKED,
            Category.SECURITY,
            _("Your account was locked after failed sign-in attempts."),
            {
                "failures": 5,
                "locked_minutes": 15,
                "stopped": False,
                "until_date": "2026-11-20",
                "until_time": "16:15",
            },
        ),
        EventSpec(
            Event.PASSWORD_CHANGED,
            Category.SECURITY,
            _("Your password was changed or reset."),
            {"changed_on": "2026-11-20", "how": "reset"},
        ),
        EventSpec(
            Event.SIGN_IN_PROTECTION,
            Category.SECURITY,
            _("An authenticator app, passkey or recovery code was added, removed or used."),
            {"changed_on": "2026-11-20", "change": "app_added", "remaining": 0},
        ),
        EventSpec(
            Event.PREFERENCES_CHANGED,
            Category.SECURITY,
            _("Your notice settings or mobile number changed."),
            {"changed_on": "2026-11-20"},
        ),
        EventSpec(
            Event.VIOLATION_NOTICE,
            Category.PROGRAM,
            _("A violation of the work-hour rules was recorded for you or your provider."),
            # rule: a code of templatetags.notices.VIOLATION_RULES; limit: the minutes
            # in force that were passed (absent from notices recorded before it was kept)
            {
                **_PERIOD,
                "violation_number": 1,
                "rule": "over_66_hours",
                "limit": 66 * 60,
                "dispute_by": "2026-11-26",
            },
            audience=PROVIDERS | RECIPIENTS,
        ),
        EventSpec(
            Event.CLASS_CONFIRMATION,
            Category.TRAINING,
            _("You are registered for a Career Pathways class."),
            {"course": "CPR and First Aid", "starts_on": "2026-12-03", "place": "Online"},
            audience=PROVIDERS,
        ),
        EventSpec(
            Event.WAITLIST_PROMOTION,
            Category.TRAINING,
            _("A seat opened in a class you were waiting for."),
            {"course": "Dementia Care Basics", "starts_on": "2026-12-10", "place": "Fresno"},
            audience=PROVIDERS,
        ),
        EventSpec(
            Event.CLASS_REMINDER,
            Category.TRAINING,
            _("A class you registered for starts soon."),
            {"course": "CPR and First Aid", "starts_on": "2026-12-03", "place": "Online"},
            audience=PROVIDERS,
        ),
        EventSpec(
            Event.CLASS_CHANGED,
            Category.TRAINING,
            _("The time or place of a class you registered for changed."),
            {"course": "CPR and First Aid", "starts_on": "2026-12-03", "place": "Online"},
            audience=PROVIDERS,
        ),
        EventSpec(
            Event.CLASS_CANCELLED,
            Category.TRAINING,
            _("A class you registered for was cancelled."),
            {
                "course": "CPR and First Aid",
                "starts_on": "2026-12-03",
                "place": "Online",
                "reason": "The instructor is ill.",
            },
            audience=PROVIDERS,
        ),
        EventSpec(
            Event.TRAINING_CLAIM_DUE,
            Category.PAYMENT,
            _("Training time you attended is waiting for you to confirm it, to be paid."),
            {"course": "CPR and First Aid", "minutes": 120, "confirm_by": "2026-12-20"},
            audience=PROVIDERS,
        ),
        EventSpec(
            Event.INCENTIVE_EARNED,
            Category.PAYMENT,
            _("You earned a Career Pathways incentive payment."),
            {"pathway": "Adult Education", "amount_cents": 50000},
            audience=PROVIDERS,
        ),
        EventSpec(
            Event.COACHING_OFFERED,
            Category.TRAINING,
            _("A coach offered times for the help you asked for."),
            {"topic": "The course catalog", "count": 3},
            audience=PROVIDERS,
        ),
        EventSpec(
            Event.COACHING_BOOKED,
            Category.TRAINING,
            _("A coaching session is booked."),
            {"day": "2026-12-10", "time": "10:00", "how": "Phone"},
            audience=COACHING,
        ),
        EventSpec(
            Event.COACHING_REMINDER,
            Category.TRAINING,
            _("A coaching session is tomorrow."),
            {"day": "2026-12-10", "time": "10:00", "how": "Phone"},
            audience=COACHING,
        ),
        EventSpec(
            Event.EVV_CHECKOUT_REMINDER,
            Category.REMINDERS,
            _("For providers: you checked in and have not checked out by the end of the day."),
            {"recipient_name": "Rosa Delgado", "day": "2026-11-03", "time": "08:00"},
            audience=PROVIDERS,
        ),
        EventSpec(
            Event.PAY_PERIOD_ENDING,
            Category.REMINDERS,
            _("For providers: the pay period ends tomorrow; submit your timesheet."),
            _PERIOD,
            audience=PROVIDERS,
        ),
        EventSpec(
            Event.EMAIL_CONFIRMATION,
            Category.SECURITY,
            _("The link that confirms your email address and turns on a new account."),
            {"hours": 24},
            email_only=True,
            link_label=_("Confirm my email"),
            secret_link=True,
        ),
        EventSpec(
            Event.PASSWORD_RESET_LINK,
            Category.SECURITY,
            _("The link to choose a new password, sent when you ask for it."),
            {"minutes": 60},
            email_only=True,
            link_label=_("Choose a new password"),
            secret_link=True,
        ),
        EventSpec(
            Event.USERNAME_REMINDER,
            Category.SECURITY,
            _("Your username, sent when you ask for it."),
            {"usernames": ["ana.reyes"]},
            email_only=True,
            link_label=_("Sign in"),
        ),
    ]
}

# The notices settings may hold a choice for (the others are email only).
SETTABLE: dict[str, EventSpec] = {e: s for e, s in SPECS.items() if not s.email_only}


def offered_to(roles: Iterable[str]) -> dict[str, EventSpec]:
    """The notices a person holding `roles` is offered a choice for, in order: those of
    their roles, and only those something in the portal sends."""
    held = frozenset(roles)
    return {e: s for e, s in SETTABLE.items() if s.offered_to(held)}


# Links that carry a single-use secret (a reset or confirmation token), by event. The app
# that raises the notice registers a maker, `(user) -> portal path`; the worker calls it
# when it sends the email, so the secret is never stored: the message center and the
# staff outbox show the notice without it.
EMAIL_LINKS: dict[str, Callable[[Any], str]] = {}


def register_email_link(event: str, make: Callable[[Any], str]) -> None:
    spec_for(event)
    EMAIL_LINKS[event] = make


def spec_for(event: str) -> EventSpec:
    try:
        return SPECS[event]
    except KeyError:
        raise ValueError(
            f"Unknown notice {event!r}; add it to ihss.notifications.events."
        ) from None
