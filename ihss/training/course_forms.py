"""The training provider's forms: a course of the catalog, and a class of a course."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ihss.cases.models import County
from ihss.training.models import ClassSession, Course, Modality, Pathway


class CourseForm(forms.ModelForm):  # type: ignore[type-arg]
    languages = forms.MultipleChoiceField(
        label=_("Languages it is taught in"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = forms.IntegerField(label=_("Length in minutes"), min_value=15, max_value=24 * 60)

    class Meta:
        model = Course
        fields = [
            "code",
            "title",
            "description",
            "pathway",
            "modality",
            "minutes",
            "prerequisites",
            "registration_contact",
            "published",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        labels = {"published": _("Show it in the public catalog")}

    def __init__(self, *args: Any, provider_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider_id = provider_id
        pathway = self.fields["pathway"]
        assert isinstance(pathway, forms.ModelChoiceField)
        pathway.queryset = Pathway.objects.all()
        pathway.label_from_instance = lambda p: gettext(p.name)  # type: ignore[method-assign,assignment]
        if self.instance.pk:
            self.initial["languages"] = list(
                self.instance.languages.values_list("language", flat=True)
            )

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        taken = Course.objects.filter(provider_id=self.provider_id, code=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(gettext("Another of your courses has this code."))
        return code


class SessionForm(forms.ModelForm):  # type: ignore[type-arg]
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    online_link = forms.URLField(
        label=_("online link"), required=False, max_length=200, assume_scheme="https"
    )
    county = forms.ModelChoiceField(
        label=_("County (in person)"),
        queryset=County.objects.order_by("name"),
        required=False,
        empty_label=_("Online"),
    )

    latitude = forms.DecimalField(
        label=_("Latitude of the place (optional)"),
        help_text=_("With the longitude, providers find the class by distance from home."),
        required=False,
        min_value=-90,
        max_value=90,
        max_digits=9,
        decimal_places=6,
    )
    longitude = forms.DecimalField(
        label=_("Longitude of the place (optional)"),
        required=False,
        min_value=-180,
        max_value=180,
        max_digits=9,
        decimal_places=6,
    )

    class Meta:
        model = ClassSession
        fields = [
            "starts_at",
            "language",
            "county",
            "place",
            "latitude",
            "longitude",
            "online_link",
            "capacity",
            "instructor",
        ]

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.course = course
        if course.modality != Modality.IN_PERSON:
            for name in ("latitude", "longitude"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts = data.get("starts_at")
        moved = self.instance.pk is None or "starts_at" in self.changed_data
        if starts is not None and moved and starts <= timezone.now():
            self.add_error("starts_at", gettext("A class starts in the future."))
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error(
                "longitude", gettext("Give both the latitude and the longitude, or neither.")
            )
        if self.course.modality == Modality.IN_PERSON:
            if not data.get("county"):
                self.add_error("county", gettext("Choose the county where the class is held."))
            if not data.get("place"):
                self.add_error("place", gettext("Give the address of the class."))
        elif not data.get("online_link"):
            self.add_error("online_link", gettext("Give the link to the online class."))
        return data

    def save(self, commit: bool = True) -> ClassSession:
        session: ClassSession = super().save(commit=False)
        session.course = self.course
        session.ends_at = session.starts_at + dt.timedelta(minutes=self.course.minutes)
        if commit:
            session.save()
        return session

    def changes(self) -> dict[str, Any]:
        """The typed values by model field, for `sessions.change` (an existing class)."""
        data = self.cleaned_data
        values: dict[str, Any] = {
            name: data[name]
            for name in ("starts_at", "language", "place", "online_link", "capacity", "instructor")
        }
        values["county_id"] = data["county"].pk if data.get("county") else None
        values["ends_at"] = data["starts_at"] + dt.timedelta(minutes=self.course.minutes)
        for name in ("latitude", "longitude"):
            if name in self.fields:
                values[name] = data.get(name)
        return values


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the class cancelled?"),
        help_text=_("Everyone registered or waiting is told, with this reason."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
