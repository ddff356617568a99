"""Forms of the county staff screens. They check what was typed; the rules are in services.

Fields are built from the model fields (labels, lengths, choices, validators stay in one
place) on plain forms: the workflows in `services` save, so that they also write the audit
event, and their `ValidationError`s are shown on the form by the view.

A Social Security number is write-only: it is typed, checked and handed to the service,
and never rendered back (not as the field's value, not as initial data).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import QuerySet
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from ihss.accounts.models import User
from ihss.cases import access, rules
from ihss.cases.import_rules import Invalid, total_hours
from ihss.cases.models import (
    Assignment,
    County,
    OvertimeExemption,
    Program,
    Provider,
    Recipient,
    TravelAgreement,
)
from ihss.cases.validators import normalize_ssn, validate_provider_number
from ihss.core.widgets import DateInput

MAX_MONTHLY_HOURS = 31 * 24
MAX_WEEKLY_HOURS = 7 * 24


def model_field(model: type[models.Model], name: str, **kwargs: Any) -> Any:
    """The form field Django derives from a model field (dates get the native picker)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    if isinstance(field, models.DateField):
        kwargs.setdefault("widget", DateInput())
    formfield = field.formfield(**kwargs)
    assert formfield is not None
    return formfield


def reason_field(*, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=_("Reason for the change") if required else _("Reason for the change (optional)"),
        help_text=_("Kept in the record's history with your name and the time."),
        required=required,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def ssn_field(*, label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=11,
        # Never rendered back: a form shown again with errors asks for it again.
        widget=forms.PasswordInput(
            render_value=False, attrs={"autocomplete": "off", "inputmode": "numeric"}
        ),
    )


def hours_field(label: Any, *, max_hours: int) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=max_hours)


def minutes_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=59, required=False, initial=0, help_text=_("0 to 59")
    )


class HoursAndMinutes(forms.Form):
    """Hours typed as two whole numbers, `hours` and `minutes`, kept as integer minutes."""

    def total_minutes(self) -> int:
        return rules.join_minutes(self.cleaned_data["hours"], self.cleaned_data.get("minutes") or 0)

    @staticmethod
    def initial_for(minutes: int) -> dict[str, int]:
        hours, rest = rules.split_minutes(minutes)
        return {"hours": hours, "minutes": rest}


# --- People -------------------------------------------------------------------------------

ZIP_CODE = RegexValidator(
    r"^\d{5}(-\d{4})?$", _("A ZIP code is 5 digits, or 5 digits, a dash and 4 digits.")
)


PERSON_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "street",
    "city",
    "zip_code",
    "latitude",
    "longitude",
    "phone",
    "email",
    "preferred_language",
    "county",
)


class PersonForm(forms.Form):
    """What recipients and providers share. `user` limits the counties offered.

    The fields come from Recipient; Provider has the very same ones (models.Person).
    """

    first_name = model_field(Recipient, "first_name")
    middle_name = model_field(Recipient, "middle_name")
    last_name = model_field(Recipient, "last_name")
    date_of_birth = model_field(Recipient, "date_of_birth")
    ssn = ssn_field(
        label=_("Replace the Social Security number (optional)"),
        help_text=_("Leave empty to keep the number on file. It is never shown again."),
    )
    street = model_field(Recipient, "street")
    city = model_field(Recipient, "city")
    zip_code = model_field(Recipient, "zip_code", validators=[ZIP_CODE])
    latitude = model_field(
        Recipient, "latitude", min_value=-90, max_value=90, help_text=_("For example 34.0522")
    )
    longitude = model_field(
        Recipient,
        "longitude",
        min_value=-180,
        max_value=180,
        help_text=_("For example -118.2437"),
    )
    phone = model_field(Recipient, "phone")
    email = model_field(Recipient, "email")
    preferred_language = model_field(Recipient, "preferred_language")
    county: forms.ModelChoiceField[County] = forms.ModelChoiceField(
        queryset=None, label=_("County")
    )

    model_fields: tuple[str, ...] = PERSON_FIELDS
    # How the page groups the fields: (legend, field names); names the form lacks are skipped.
    section_fields: tuple[tuple[Any, tuple[str, ...]], ...] = (
        (
            _("Identity"),
            (
                "case_number",
                "provider_number",
                "first_name",
                "middle_name",
                "last_name",
                "date_of_birth",
                "ssn",
            ),
        ),
        (
            _("Contact and address"),
            (
                "phone",
                "email",
                "preferred_language",
                "street",
                "city",
                "zip_code",
                "latitude",
                "longitude",
                "county",
            ),
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        counties = access.writable_counties(user)
        county = self.fields["county"]
        assert isinstance(county, forms.ModelChoiceField)
        county.queryset = counties
        if counties.count() == 1:
            county.empty_label = None
        else:
            county.empty_label = _("Choose a county")

    def model_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.model_fields}

    def sections(self) -> list[tuple[Any, list[BoundField]]]:
        """The fields in their groups; any field no group names comes last, not lost."""
        placed: set[str] = set()
        result: list[tuple[Any, list[BoundField]]] = []
        for legend, names in self.section_fields:
            present = [name for name in names if name in self.fields]
            placed.update(present)
            if present:
                result.append((legend, [self[name] for name in present]))
        rest = [self[name] for name in self.fields if name not in placed]
        if rest:
            result.append((_("About this change"), rest))
        return result

    def clean_ssn(self) -> str:
        value: str = self.cleaned_data.get("ssn", "")
        return normalize_ssn(value) if value.strip() else ""


class RecipientForm(PersonForm):
    """Change a recipient's details. The case number stays as it is."""

    status = model_field(Recipient, "status")
    severely_impaired = model_field(Recipient, "severely_impaired")
    needs_cognitive_behavioral = model_field(Recipient, "needs_cognitive_behavioral")
    needs_complex_physical = model_field(Recipient, "needs_complex_physical")
    needs_community_transition = model_field(Recipient, "needs_community_transition")
    representative_name = model_field(Recipient, "representative_name")
    representative_relationship = model_field(Recipient, "representative_relationship")
    representative_phone = model_field(Recipient, "representative_phone")
    representative_email = model_field(Recipient, "representative_email")
    reason = reason_field()

    section_fields = (
        *PersonForm.section_fields,
        (
            _("Case"),
            (
                "status",
                "severely_impaired",
                "needs_cognitive_behavioral",
                "needs_complex_physical",
                "needs_community_transition",
            ),
        ),
        (
            _("Authorized representative"),
            (
                "representative_name",
                "representative_relationship",
                "representative_phone",
                "representative_email",
            ),
        ),
    )
    model_fields: tuple[str, ...] = (
        *PERSON_FIELDS,
        "status",
        "severely_impaired",
        "needs_cognitive_behavioral",
        "needs_complex_physical",
        "needs_community_transition",
        "representative_name",
        "representative_relationship",
        "representative_phone",
        "representative_email",
    )


class NewRecipientForm(RecipientForm):
    case_number = model_field(Recipient, "case_number", help_text=_("7 digits"))
    ssn = ssn_field(
        label=_("Social Security number (optional)"),
        help_text=_("9 digits, with or without dashes. It is never shown again after saving."),
    )
    reason = None  # type: ignore[assignment]

    field_order = ["case_number"]
    model_fields = ("case_number", *RecipientForm.model_fields)


class ProviderForm(PersonForm):
    """Change a provider's details, enrollment steps and status. The number stays."""

    soc426_received_on = model_field(Provider, "soc426_received_on")
    orientation_completed_on = model_field(Provider, "orientation_completed_on")
    background_check_cleared_on = model_field(Provider, "background_check_cleared_on")
    soc846_signed_on = model_field(Provider, "soc846_signed_on")
    status = model_field(
        Provider,
        "status",
        help_text=_("Active needs the dates of all four enrollment steps above."),
    )
    reason = reason_field()

    # Where paid sick leave starts for work before the portal (issue 14, item 9).
    worked_to_date_hours = forms.CharField(
        label=_("Hours worked to date, before the portal"),
        required=False,
        max_length=10,
        help_text=_(
            "H:MM, for example 1250:00. Only hours sent through the portal count otherwise "
            "toward the hours that earn paid sick leave."
        ),
    )
    worked_to_date_through = model_field(
        Provider, "worked_to_date_through", help_text=_("The last day those hours count.")
    )
    sick_leave_earned_on = model_field(Provider, "sick_leave_earned_on")
    sick_leave_usable_on = model_field(Provider, "sick_leave_usable_on")

    section_fields = (
        *PersonForm.section_fields,
        (_("Enrollment"), (*Provider.ENROLLMENT_STEPS, "status")),
        (
            _("Paid sick leave before the portal"),
            (
                "worked_to_date_hours",
                "worked_to_date_through",
                "sick_leave_earned_on",
                "sick_leave_usable_on",
            ),
        ),
    )
    model_fields: tuple[str, ...] = (
        *PERSON_FIELDS,
        *Provider.ENROLLMENT_STEPS,
        "status",
        "worked_to_date_through",
        "sick_leave_earned_on",
        "sick_leave_usable_on",
    )

    def clean_worked_to_date_hours(self) -> int:
        raw = (self.cleaned_data.get("worked_to_date_hours") or "").strip()
        if not raw:
            return 0
        try:
            return total_hours(raw)
        except Invalid as error:
            raise forms.ValidationError(error.message) from None

    def model_values(self) -> dict[str, Any]:
        return {
            **super().model_values(),
            "worked_to_date_minutes": self.cleaned_data.get("worked_to_date_hours") or 0,
        }


class NewProviderForm(ProviderForm):
    provider_number = model_field(Provider, "provider_number", help_text=_("9 digits"))
    ssn = ssn_field(
        label=_("Social Security number (optional)"),
        help_text=_("9 digits, with or without dashes. It is never shown again after saving."),
    )
    reason = None  # type: ignore[assignment]

    field_order = ["provider_number"]
    model_fields = ("provider_number", *ProviderForm.model_fields)


# --- Authorized hours and assignments -----------------------------------------------------


class AuthorizedHoursForm(HoursAndMinutes):
    program = forms.ChoiceField(label=_("Program"), choices=Program.choices)
    hours = hours_field(_("Authorized hours a month"), max_hours=MAX_MONTHLY_HOURS)
    minutes = minutes_field(_("Plus minutes"))
    effective_from = forms.DateField(
        label=_("Effective from"),
        widget=DateInput(),
        help_text=_("The first day of the new hours. The hours before end the day before."),
    )
    reason = reason_field(required=True)

    CONFIRM = "confirm_below_assignments"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.data.get(self.CONFIRM):
            self.ask_to_confirm()

    def ask_to_confirm(self) -> None:
        """Offer the box that saves hours below a provider's assigned hours (shown once
        the service has named those providers)."""
        self.fields[self.CONFIRM] = forms.BooleanField(
            label=_("Save these hours anyway: I will lower the assignments that are above them."),
            required=False,
        )

    @property
    def confirmed(self) -> bool:
        return bool(self.cleaned_data.get(self.CONFIRM))


class AssignmentEditForm(HoursAndMinutes):
    hours = hours_field(_("Assigned hours a month"), max_hours=MAX_MONTHLY_HOURS)
    minutes = minutes_field(_("Plus minutes"))
    start_date = model_field(Assignment, "start_date")
    end_date = model_field(
        Assignment, "end_date", help_text=_("The last day; leave empty while it continues.")
    )
    live_in_certified_on = model_field(
        Assignment, "live_in_certified_on", help_text=_("Only for a provider who lives in.")
    )
    family_relationship = model_field(Assignment, "family_relationship")
    reason = reason_field()

    def model_values(self) -> dict[str, Any]:
        values = {
            name: self.cleaned_data[name]
            for name in ("start_date", "end_date", "live_in_certified_on", "family_relationship")
        }
        values["assigned_monthly_minutes"] = self.total_minutes()
        return values


class AssignmentForm(AssignmentEditForm):
    provider_number = forms.CharField(
        label=_("Provider number"),
        help_text=_("9 digits"),
        max_length=9,
        validators=[validate_provider_number],
    )
    program = forms.ChoiceField(label=_("Program"), choices=Program.choices)

    field_order = ["provider_number", "program"]


class EndForm(forms.Form):
    """End an assignment, exemption or travel agreement on a last day."""

    end_date = forms.DateField(
        label=_("Last day"), widget=DateInput(), help_text=_("The last day it is in force.")
    )
    reason = reason_field()


# --- Overtime exemptions and travel -------------------------------------------------------


class ExemptionForm(forms.Form):
    kind = model_field(OvertimeExemption, "kind", widget=forms.RadioSelect)
    circumstance = model_field(
        OvertimeExemption, "circumstance", help_text=_("For Exemption 2 only.")
    )
    approved_on = model_field(OvertimeExemption, "approved_on")
    effective_from = model_field(OvertimeExemption, "effective_from")
    effective_to = model_field(
        OvertimeExemption, "effective_to", help_text=_("Leave empty if it has no end date.")
    )
    notes = model_field(OvertimeExemption, "notes", widget=forms.Textarea(attrs={"rows": 3}))
    reason = reason_field()


class TravelAgreementForm(HoursAndMinutes):
    from_recipient: forms.ModelChoiceField[Recipient] = forms.ModelChoiceField(
        queryset=None, label=_("From recipient")
    )
    to_recipient: forms.ModelChoiceField[Recipient] = forms.ModelChoiceField(
        queryset=None, label=_("To recipient")
    )
    hours = hours_field(_("Travel hours a week"), max_hours=MAX_WEEKLY_HOURS)
    minutes = minutes_field(_("Plus minutes"))
    signed_on = model_field(TravelAgreement, "signed_on")
    effective_from = model_field(TravelAgreement, "effective_from")
    effective_to = model_field(
        TravelAgreement, "effective_to", help_text=_("Leave empty if it has no end date.")
    )
    reason = reason_field()

    def __init__(self, *args: Any, recipients: QuerySet[Recipient], **kwargs: Any) -> None:
        """`recipients`: those the provider works for, as the user may see them."""
        super().__init__(*args, **kwargs)
        for name in ("from_recipient", "to_recipient"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = recipients
            field.empty_label = _("Choose a recipient")
