"""One way for a service to refuse: a code, a message for the person (in their language),
and the field it is about.

Services raise `ServiceRefused` (or an app's subclass of it); the edges map it: a form puts
the message on its field (`add_to_form`), the API answers 422 at that field for a problem
with what was sent, or 409 for a step that does not fit the record as it is now
(`conflict`). Nothing was changed when a service refuses.

A check that finds several problems at once (every wrong field of a typed day) returns
`FieldProblem`s, so that the form and the API show the same sentences from one check.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms


class ServiceRefused(Exception):
    """A step refused. `conflict`: the record's state does not allow it (409); otherwise
    what was sent is wrong (422), at `field` when one field is to blame."""

    def __init__(
        self, message: str, *, code: str = "", field: str | None = None, conflict: bool = True
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.conflict = conflict

    @property
    def status(self) -> int:
        """The HTTP status the API answers this refusal with."""
        return 409 if self.conflict else 422


@dataclass(frozen=True)
class FieldProblem:
    """One wrong field of what was typed, with the sentence that says so."""

    field: str
    message: str


def add_to_form(form: forms.BaseForm, problem: ServiceRefused | FieldProblem) -> None:
    """Show a refusal on the form: at its field when the form has it, else above it."""
    field = problem.field if problem.field in form.fields else None
    form.add_error(field, problem.message)


@dataclass(frozen=True)
class SummaryLine:
    """One line of the error summary: the sentence, and the field it links to ("" for
    what is about the whole form)."""

    text: str
    target: str
