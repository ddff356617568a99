"""Workflows that change case records. Views, the API, imports and commands call these.

Each function runs in one transaction and writes its audit event in that transaction. Who
may call them is decided before, by `ihss.cases.access`; here are the program's rules,
raised as `ValidationError`s keyed by the field they concern, so a form can show them.

Audit snapshots never hold a clear SSN: only its last four digits (`ssn_last4`).

The workflows are split by record (recipients, providers, assignments, agreements);
every name stays importable from `ihss.cases.services`, as before.
"""

from __future__ import annotations

from ihss.cases.services._shared import (
    ASSIGNMENT_AUDIT,
    ASSIGNMENT_FIELDS,
    EXEMPTION_AUDIT,
    HOURS_AUDIT,
    PERSON_FIELDS,
    PROVIDER_AUDIT,
    PROVIDER_FIELDS,
    RECIPIENT_AUDIT,
    RECIPIENT_FIELDS,
    TRAVEL_AUDIT,
    Actor,
)
from ihss.cases.services.agreements import (
    add_exemption,
    add_travel_agreement,
    end_exemption,
    end_travel_agreement,
)
from ihss.cases.services.assignments import (
    create_assignment,
    end_assignment,
    update_assignment,
)
from ihss.cases.services.providers import (
    create_provider,
    update_provider,
)
from ihss.cases.services.recipients import (
    BELOW_ASSIGNMENTS,
    change_authorized_hours,
    create_recipient,
    update_recipient,
)

__all__ = [
    "Actor",
    "BELOW_ASSIGNMENTS",
    "PERSON_FIELDS",
    "RECIPIENT_FIELDS",
    "PROVIDER_FIELDS",
    "ASSIGNMENT_FIELDS",
    "RECIPIENT_AUDIT",
    "PROVIDER_AUDIT",
    "HOURS_AUDIT",
    "ASSIGNMENT_AUDIT",
    "EXEMPTION_AUDIT",
    "TRAVEL_AUDIT",
    "create_recipient",
    "update_recipient",
    "change_authorized_hours",
    "create_provider",
    "update_provider",
    "create_assignment",
    "update_assignment",
    "end_assignment",
    "add_exemption",
    "end_exemption",
    "add_travel_agreement",
    "end_travel_agreement",
]
