"""Forms of the timesheet pages: a workweek of days, the signature, the return reason;
travel on a timesheet, and paid sick leave claims."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ihss.cases.models import Program
from ihss.core import dates
from ihss.core.refusals import FieldProblem, add_to_form
from ihss.core.visits import DayVisits
from ihss.core.widgets import DateInput
from ihss.timesheets.models import DayEntry, Location
from ihss.timesheets.services import DayInput
from ihss.timesheets.services import visits as visit_rules
from ihss.timesheets.services.days import daily_cap, day_problems, day_too_long


class DayForm(forms.Form):
    """One day: hours and minutes worked, start and end time, location. Blank = not worked.

    A day with visits (EVV check-ins) starts with their start, end and location when it has
    none of its own (`filled`), and has a reason field: changing what the visits say needs
    a reason (the service checks it again), which the county sees."""

    # No upper bound here: the day's cap is a program parameter, and the day's check
    # (services.days) says it in the program's words ("A day has only 24 h.").
    hours = forms.IntegerField(label=gettext_lazy("Hours"), min_value=0, required=False)
    minutes = forms.IntegerField(
        label=gettext_lazy("Minutes"), min_value=0, max_value=59, required=False
    )
    start = forms.TimeField(label=gettext_lazy("Start time"), required=False)
    end = forms.TimeField(label=gettext_lazy("End time"), required=False)
    location = forms.ChoiceField(
        label=gettext_lazy("Location"),
        choices=[("", gettext_lazy("- Select -")), *Location.choices],
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Why did you change the check-in or check-out?"),
        help_text=gettext_lazy(
            "Only if the start time, end time or location are not what your check-in and "
            "check-out say. The county sees it."
        ),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        day: dt.date,
        visits: DayVisits | None = None,
        saved: DayEntry | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", day.isoformat())
        self.visits = visits
        self.saved = saved
        self.said = ""
        # The day shows what its visits say until it has times of its own.
        self.filled = visits is not None and saved is None
        if self.filled and visits is not None:
            kwargs["initial"] = {**kwargs.get("initial", {}), **visit_rules.fill(visits)}
        super().__init__(*args, **kwargs)
        self.day = day
        if visits is None:
            del self.fields["reason"]
        else:
            self.fields["reason"].widget.attrs["class"] = "usa-textarea"
            self.said = visit_rules.describe(visits)
        name = dates.weekday_day_month(day)
        for name in ("hours", "minutes"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "class": "usa-input"})
        self.fields["start"].widget = forms.TimeInput(
            attrs={"type": "time", "class": "usa-input"}, format="%H:%M"
        )
        self.fields["end"].widget = forms.TimeInput(
            attrs={"type": "time", "class": "usa-input"}, format="%H:%M"
        )
        self.fields["location"].widget.attrs["class"] = "usa-select"
        self.day_name = name

    @staticmethod
    def initial_for(entry: DayEntry | None) -> dict[str, Any]:
        if entry is None:
            return {}
        hours, minutes = divmod(entry.minutes, 60)
        return {
            "hours": hours,
            "minutes": minutes,
            "start": entry.start,
            "end": entry.end,
            "location": entry.location,
            "reason": entry.evv_reason,
        }

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        hours = data.get("hours") or 0
        minutes = data.get("minutes") or 0
        total = hours * 60 + minutes
        data["total"] = total
        if self.errors:
            return data
        times = visit_rules.reported(data.get("start"), data.get("end"), data.get("location") or "")
        if total == 0 and self.visits is not None and times == visit_rules.said(self.visits):
            # Times filled from the visits, no hours typed: a day not filled in yet, blank.
            return data
        # The same check as the API's week (services.days): one set of sentences.
        for problem in day_problems(
            day=self.day,
            minutes=total,
            start=data.get("start"),
            end=data.get("end"),
            location=data.get("location") or "",
        ):
            # The API's day has one number of minutes; here the hours are typed apart, and
            # a day too long is nearly always too many hours: say it there.
            if problem.field == "minutes":
                problem = FieldProblem("hours", problem.message)
            add_to_form(self, problem)
        if not self.errors and visit_rules.needs_reason(
            minutes=total,
            times=times,
            reason=data.get("reason") or "",
            seen=self.visits,
            saved=self.saved,
        ):
            self.add_error("reason", visit_rules.reason_missing_here())
        return data

    def typed(self) -> DayInput:
        data = self.cleaned_data
        if not data.get("total"):
            return DayInput(0)
        return DayInput(
            data["total"],
            data["start"],
            data["end"],
            data["location"],
            reason=(data.get("reason") or "").strip(),
        )

    def lenient_minutes(self) -> int:
        """The typed minutes even when another field of the day is wrong (for the live
        check while typing); 0 when the numbers themselves are not numbers."""
        total = 0
        for name, factor in (("hours", 60), ("minutes", 1)):
            raw = (self.data.get(self.add_prefix(name)) or "").strip()
            if raw.isdigit():
                total += int(raw) * factor
        return min(total, daily_cap(self.day))


class SignatureForm(forms.Form):
    attest = forms.BooleanField(
        label=gettext_lazy(
            "I confirm that the hours on this timesheet are true and correct, and that the "
            "services were provided as entered."
        ),
        error_messages={"required": gettext_lazy("Check the box to confirm the hours.")},
    )
    signature = forms.CharField(
        label=gettext_lazy("Type your full name as your signature"),
        max_length=120,
        error_messages={"required": gettext_lazy("Type your full name to sign.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What is wrong?"),
        help_text=gettext_lazy("The provider sees this and can correct the timesheet."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy("Say what is wrong, so the provider can correct it.")
        },
    )


class ExceptionForm(forms.Form):
    """The county's exception to a recipient's weekly maximum for a month."""

    case_number = forms.CharField(
        label=gettext_lazy("Recipient's case number"), max_length=7, min_length=7
    )
    program = forms.ChoiceField(label=gettext_lazy("Program"), choices=Program.choices)
    month = forms.DateField(
        label=gettext_lazy("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=gettext_lazy("For example 2026-11"),
    )
    provider_number = forms.CharField(
        label=gettext_lazy("Provider number (leave blank for every provider)"),
        max_length=9,
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept in the history)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _hours_and_minutes(form: forms.Form, *, max_hours: int) -> None:
    form.fields["hours"] = forms.IntegerField(
        label=gettext_lazy("Hours"), min_value=0, max_value=max_hours, required=False
    )
    form.fields["minutes"] = forms.IntegerField(
        label=gettext_lazy("Minutes"), min_value=0, max_value=59, required=False
    )
    for name in ("hours", "minutes"):
        form.fields[name].widget.attrs.update({"inputmode": "numeric"})


def _total(data: dict[str, Any]) -> int:
    return (data.get("hours") or 0) * 60 + (data.get("minutes") or 0)


# --- Travel time ----------------------------------------------------------------------------


class TravelForm(forms.Form):
    """Travel on one day of the timesheet, from one of the recipients a travel agreement
    allows, in hours and minutes."""

    day = forms.TypedChoiceField(label=gettext_lazy("Day"), coerce=dt.date.fromisoformat)
    from_recipient = forms.TypedChoiceField(label=gettext_lazy("Travelled from"), coerce=int)

    def __init__(
        self,
        *args: Any,
        days: list[dt.date],
        origins: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "travel")
        super().__init__(*args, **kwargs)
        day_field = self.fields["day"]
        assert isinstance(day_field, forms.TypedChoiceField)
        day_field.choices = [
            ("", _("- Select -")),
            *((d.isoformat(), dates.weekday_day_month(d, short=True)) for d in days),
        ]
        origin_field = self.fields["from_recipient"]
        assert isinstance(origin_field, forms.TypedChoiceField)
        origin_field.choices = [("", _("- Select -")), *origins]
        _hours_and_minutes(self, max_hours=24)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        data["total"] = _total(data)
        if not self.errors and data["total"] == 0:
            self.add_error("hours", _("Enter the travel time."))
        elif data["total"] > (limit := daily_cap(data.get("day"))):
            self.add_error("hours", day_too_long(limit))
        return data


# --- Paid sick leave ------------------------------------------------------------------------


class SickLeaveClaimForm(forms.Form):
    """A claim of paid sick leave: whose care was missed (one of the provider's
    assignments, as "recipient id:program"), the day, and hours and minutes."""

    assignment = forms.ChoiceField(label=gettext_lazy("Whose care did you miss?"))
    day = forms.DateField(label=gettext_lazy("Day of leave"), widget=DateInput())

    def __init__(
        self, *args: Any, assignments: list[tuple[str, str]], today: dt.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        assignment = self.fields["assignment"]
        assert isinstance(assignment, forms.ChoiceField)
        assignment.choices = [("", _("- Select -")), *assignments]
        self.fields["day"].widget.attrs["max"] = today.isoformat()
        _hours_and_minutes(self, max_hours=24)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        data["total"] = _total(data)
        if not self.errors and data["total"] == 0:
            self.add_error("hours", _("Enter the hours of sick leave."))
        elif data["total"] > (limit := daily_cap(data.get("day"))):
            self.add_error("hours", day_too_long(limit))
        return data

    def recipient_and_program(self) -> tuple[int, str]:
        recipient, program = self.cleaned_data["assignment"].split(":", 1)
        return int(recipient), program


class SickLeaveRejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you not approve it?"),
        help_text=gettext_lazy("The provider sees this."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy("Say why you do not approve it, so the provider knows.")
        },
    )


class SendForm(forms.Form):
    """Sending the timesheet. Before the pay period's last day the provider also confirms
    that no more care will be given in it (the service refuses the send without it)."""

    confirm_early = forms.BooleanField(
        label=gettext_lazy(
            "I will give no more care in this pay period. I understand that I cannot add "
            "days to it unless it is returned to me."
        ),
        required=False,
    )


class CountyDecisionForm(forms.Form):
    """The county's decision on an approved timesheet; the service checks it (a reason is
    required), this form carries what was typed and the refusal back to the page."""

    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("release", gettext_lazy("Release for payment")),
            ("hold", gettext_lazy("Hold")),
            ("void", gettext_lazy("Void (the hours will not be paid)")),
        ],
        widget=forms.RadioSelect,
        initial="release",
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept in the history)"), max_length=1000, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "decision-%s")
        super().__init__(*args, **kwargs)
