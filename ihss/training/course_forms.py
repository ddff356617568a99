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

    class Meta:
        model = ClassSession
        fields = [
            "starts_at",
            "language",
            "county",
            "place",
            "online_link",
            "capacity",
            "instructor",
        ]

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.course = course

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts = data.get("starts_at")
        if starts is not None and starts <= timezone.now():
            self.add_error("starts_at", gettext("A new class starts in the future."))
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
