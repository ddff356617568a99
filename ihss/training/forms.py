"""The catalog's search form (GET): every field optional, every value checked."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ihss.cases.models import County
from ihss.training.catalog import MAX_QUERY, Filters
from ihss.training.models import Modality, Pathway

WITHIN_MILES = (10, 25, 50, 100)  # the distances offered (a search filter, not a rule)


class CatalogForm(forms.Form):
    q = forms.CharField(label=_("Words to look for"), required=False, max_length=MAX_QUERY * 5)
    category = forms.TypedChoiceField(
        label=_("Category"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any category")), *Pathway.Category.choices],
    )
    pathway = forms.ChoiceField(label=_("Pathway"), required=False)
    modality = forms.ChoiceField(
        label=_("How it is taught"),
        required=False,
        choices=[("", _("Any way")), *Modality.choices],
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Any language")), *settings.LANGUAGES],
    )
    county = forms.ModelChoiceField(
        label=_("County of an in-person class"),
        required=False,
        queryset=County.objects.order_by("name"),
        empty_label=_("Any county"),
        to_field_name="code",
    )
    starts_from = forms.DateField(
        label=_("Classes from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    starts_until = forms.DateField(
        label=_("Classes until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    within = forms.TypedChoiceField(
        label=_("In-person classes near your home"),
        help_text=_("From the address on your case record."),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(
        self, *args: Any, home: tuple[Decimal, Decimal] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.home = home
        if home is None:  # only a provider whose home is on the map can use it
            del self.fields["within"]
        else:
            within = self.fields["within"]
            assert isinstance(within, forms.ChoiceField)
            within.choices = [("", gettext("Any distance"))] + [
                (miles, gettext("Within %(miles)d miles") % {"miles": miles})
                for miles in WITHIN_MILES
            ]
        field = self.fields["pathway"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Any pathway"))] + [
            (p.code, gettext(p.name)) for p in Pathway.objects.all()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_from"), data.get("starts_until")
        if start and end and end < start:
            self.add_error(
                "starts_until", gettext("“Classes until” must be on or after “Classes from”.")
            )
        return data

    def filters(self) -> Filters:
        """What to search for: the valid fields (a field in error is left out)."""
        data = self.cleaned_data if self.is_bound else {}
        good = {name: value for name, value in data.items() if name not in self.errors}
        county = good.get("county")
        return Filters(
            text=good.get("q") or "",
            pathway=good.get("pathway") or "",
            category=good.get("category"),
            modality=good.get("modality") or "",
            language=good.get("language") or "",
            county=county.pk if county else None,
            starts_from=good.get("starts_from"),
            starts_until=good.get("starts_until"),
            near=self.home,
            within_miles=good.get("within"),
        )
