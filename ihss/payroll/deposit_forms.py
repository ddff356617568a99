"""The direct deposit form: routing number, account number typed twice, account type.

A refused form keeps what was typed except the account numbers: they are never sent
back to the browser, and the error says to type them again.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ihss.payroll.models import DirectDeposit
from ihss.payroll.services import deposits

SECRET_FIELDS = ("account_number", "account_number_again")


def _digits(value: str) -> str:
    """What was typed, without the spaces a person may put between groups of digits."""
    return "".join(value.split())


class DepositForm(forms.Form):
    routing_number = forms.CharField(
        label=gettext_lazy("Routing number"),
        help_text=gettext_lazy("9 digits, at the bottom left of a check."),
        max_length=20,
    )
    account_number = forms.CharField(
        label=gettext_lazy("Account number"),
        help_text=gettext_lazy("4 to 17 digits, after the routing number on a check."),
        max_length=40,
    )
    account_number_again = forms.CharField(
        label=gettext_lazy("Account number, again"),
        help_text=gettext_lazy("Type it again, to be sure it is right."),
        max_length=40,
    )
    account_type = forms.ChoiceField(
        label=gettext_lazy("Account type"),
        choices=DirectDeposit.AccountType.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("routing_number", *SECRET_FIELDS):
            self.fields[name].widget.attrs.update(
                {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
            )
        self.fields["routing_number"].error_messages["required"] = _("Type the routing number.")
        self.fields["account_number"].error_messages["required"] = _("Type the account number.")
        self.fields["account_number_again"].error_messages["required"] = _(
            "Type the account number again."
        )
        self.fields["account_type"].error_messages["required"] = _("Choose checking or savings.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        routing = _digits(data.get("routing_number", ""))
        number = _digits(data.get("account_number", ""))
        again = _digits(data.get("account_number_again", ""))
        if "routing_number" in data:
            data["routing_number"] = routing
        if "account_number" in data:
            data["account_number"] = number
        for problem in deposits.account_problems(
            routing_number=routing if "routing_number" in data else "000000000",
            account_number=number if "account_number" in data else "0000",
            account_type=data.get("account_type", "checking"),
        ):
            if problem.field == "routing_number" and "routing_number" in data:
                self.add_error("routing_number", problem.message)
            elif problem.field == "account_number" and "account_number" in data:
                self.add_error("account_number", problem.message)
        if (
            "account_number" in data
            and "account_number_again" in data
            and number != again
            and "account_number" not in self.errors
        ):
            self.add_error(
                "account_number_again",
                _("The two account numbers are not the same. Type them again."),
            )
        return data

    def forget_account_numbers(self) -> None:
        """After a refusal: send nothing of the account numbers back to the browser, and
        say so at the first of them (unless it has its own error)."""
        if not self.is_bound:
            return
        data = cast(QueryDict, self.data).copy()
        for name in SECRET_FIELDS:
            data.pop(name, None)
        self.data = data
        if not any(name in self.errors for name in SECRET_FIELDS):
            self.add_error(
                "account_number",
                _("For your safety, type the account number again, twice."),
            )
        elif "account_number" in self.errors and "account_number_again" not in self.errors:
            self.add_error("account_number_again", _("Type the account number again."))
