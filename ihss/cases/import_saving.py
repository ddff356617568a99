"""Bulk import of case records, phase 2: save every record in one transaction, or none.

See ihss.cases.importing for the whole import.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db import (
    IntegrityError,
    transaction,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from ihss.cases import import_rules as rules
from ihss.cases.import_checks import _Checking
from ihss.cases.import_rows import (
    SAVING,
    Outcome,
    PersonRow,
    Problem,
    Progress,
    SourceFile,
    _authorizations,
    _batched,
    _FileChanged,
    _ParsedFile,
    _records,
)
from ihss.cases.import_rules import (
    ASSIGNMENTS,
    PROVIDERS,
    RECIPIENTS,
)
from ihss.cases.models import (
    Assignment,
    AuthorizedHours,
    FamilyRelationship,
    Language,
    Program,
    Provider,
    Recipient,
)
from ihss.core import audit
from ihss.core.models import AuditEvent

logger = logging.getLogger(__name__)

BATCH_SIZE = 2_000  # records per bulk_create call (and per progress step while saving)


class _Import(_Checking):
    """One import's checking and saving. Not reused: make one per import."""

    # -- phase 2: saving --

    def write(self, *, actor: Any, reason: str) -> Outcome:
        """Create every record and its audit event. Runs inside the caller's transaction."""
        from ihss.cases import importing  # the facade, where tests change the tunables

        insert = importing.insert
        now = timezone.now()
        displays = choice_labels()
        actor_id = getattr(actor, "pk", None)
        actor_label = audit.actor_name(actor)
        done = 0
        outcome = Outcome(total_rows=self.total)

        def event(action: str, subject: Any, label: str, after: dict[str, Any]) -> AuditEvent:
            return AuditEvent(
                occurred_at=now,
                actor_id=actor_id,
                actor_name=actor_label,
                action=action,
                subject_type=subject._meta.label_lower,
                subject_id=str(subject.pk),
                subject_label=label[:200],
                reason=reason,
                after=after,
            )

        for parsed, rows in self._rows_to_save("recipients"):
            objects = []
            given = []
            for number, clean in rows:
                self._same_person(self.recipients.get(clean.get("case_number", "")), parsed, number)
                fields = {n: v for n, v in clean.items() if n in RECIPIENTS.model_fields}
                recipient = Recipient(**fields, county=self.counties[clean["county_code"]])
                recipient.set_ssn(clean.get("ssn", ""))
                objects.append(recipient)
                given.append(_authorizations(clean))
            insert(objects)
            hours = []
            events = []
            for recipient, authorizations in zip(objects, given, strict=True):
                self.recipients[recipient.case_number].pk = recipient.pk
                authorized = []
                for program, start, minutes in authorizations:
                    hours.append(
                        AuthorizedHours(
                            recipient=recipient,
                            program=program,
                            monthly_minutes=minutes,
                            effective_from=start,
                        )
                    )
                    authorized.append(
                        {
                            "program": program,
                            "monthly_minutes": minutes,
                            "effective_from": start.isoformat(),
                        }
                    )
                after = snapshot(recipient, RECIPIENT_AUDIT_FIELDS, displays)
                after["authorized_hours"] = authorized
                events.append(event("recipient.imported", recipient, str(recipient), after))
            insert(hours)
            insert(events)
            outcome.recipients += len(objects)
            outcome.hours += len(hours)
            done += len(objects)
            self.progress(SAVING, done, self.total)

        for parsed, rows in self._rows_to_save("providers"):
            providers = []
            for number, clean in rows:
                self._same_person(
                    self.providers.get(clean.get("provider_number", "")), parsed, number
                )
                fields = {n: v for n, v in clean.items() if n in PROVIDERS.model_fields}
                provider = Provider(**fields, county=self.counties[clean["county_code"]])
                provider.worked_to_date_minutes = clean.get("hours_worked_to_date", 0)
                provider.set_ssn(clean["ssn"])
                providers.append(provider)
            insert(providers)
            events = []
            for provider in providers:
                self.providers[provider.provider_number].pk = provider.pk
                after = snapshot(provider, PROVIDER_AUDIT_FIELDS, displays)
                events.append(event("provider.imported", provider, str(provider), after))
            insert(events)
            outcome.providers += len(providers)
            done += len(providers)
            self.progress(SAVING, done, self.total)

        checked = iter(self.assignments)
        for _parsed, rows in self._rows_to_save("assignments"):
            assignments = []
            keys = []
            for number, clean in rows:
                a = next(checked, None)
                provider_number, case_number = clean["provider_number"], clean["case_number"]
                if a is None or (a.row, a.provider_number, a.case_number) != (
                    number,
                    provider_number,
                    case_number,
                ):
                    raise _FileChanged
                fields = {n: v for n, v in clean.items() if n in ASSIGNMENTS.model_fields}
                assignments.append(
                    Assignment(
                        provider_id=self._provider_pk(provider_number),
                        recipient_id=self._recipient_pk(case_number),
                        assigned_monthly_minutes=clean["assigned_monthly_hours"],
                        **fields,
                    )
                )
                keys.append((provider_number, case_number))
            insert(assignments)
            events = []
            for (provider_number, case_number), assignment in zip(keys, assignments, strict=True):
                after = {
                    "provider_number": provider_number,
                    "case_number": case_number,
                    "program": displays["program"][assignment.program],
                    "assigned_monthly_minutes": assignment.assigned_monthly_minutes,
                    "start_date": audit.jsonable(assignment.start_date),
                    "end_date": audit.jsonable(assignment.end_date),
                    "live_in_certified_on": audit.jsonable(assignment.live_in_certified_on),
                    "family_relationship": displays["family_relationship"][
                        assignment.family_relationship
                    ],
                }
                label = f"{provider_number} → {case_number} ({assignment.program})"
                events.append(event("assignment.imported", assignment, label, after))
            insert(events)
            outcome.assignments += len(assignments)
            done += len(assignments)
            self.progress(SAVING, done, self.total)
        if next(checked, None) is not None:
            raise _FileChanged
        outcome.written = True
        return outcome

    def _rows_to_save(
        self, kind: str
    ) -> Iterator[tuple[_ParsedFile, list[tuple[int, dict[str, Any]]]]]:
        """The files of one kind read again, in the order checked, in batches of clean rows.

        Every row passed the checks, so every cell reads; if one does not, or a row is
        not the one checked, the file changed since (only a file on disk can) and the
        import stops and rolls back.
        """
        for parsed in sorted(
            (p for p in self.parsed if p.layout.kind == kind), key=lambda p: p.order
        ):
            for batch in _batched(self._clean_rows(parsed), BATCH_SIZE):
                yield parsed, batch

    def _clean_rows(self, parsed: _ParsedFile) -> Iterator[tuple[int, dict[str, Any]]]:
        plan = self._plan(parsed)
        records = _records(parsed.source)
        next(records)  # the header
        for number, cells in records:
            clean: dict[str, Any] = {}
            for column, position in plan:
                raw = (
                    cells[position].strip()
                    if position is not None and position < len(cells)
                    else ""
                )
                if raw:
                    try:
                        clean[column.name] = column.read(raw, self.ctx)
                    except rules.Invalid:
                        raise _FileChanged from None
            yield number, clean

    @staticmethod
    def _same_person(person: PersonRow | None, parsed: _ParsedFile, number: int) -> None:
        if person is None or (person.file, person.row, person.pk) != (parsed.name, number, None):
            raise _FileChanged

    def _provider_pk(self, number: str) -> int:
        person = self.providers.get(number)
        pk = person.pk if person is not None else self.db_providers.get(number)
        if pk is None:
            raise _FileChanged
        return pk

    def _recipient_pk(self, number: str) -> int:
        person = self.recipients.get(number)
        pk = person.pk if person is not None else self.db_recipients.get(number, (None, ""))[0]
        if pk is None:
            raise _FileChanged
        return pk


def choice_labels() -> dict[str, dict[str, str]]:
    """The label of every choice the audit snapshots show, translated once per import."""
    return {
        "status": {
            **{k: str(v) for k, v in Recipient.Status.choices},
            **{k: str(v) for k, v in Provider.Status.choices},
        },
        "preferred_language": {k: str(v) for k, v in Language.choices},
        "program": {k: str(v) for k, v in Program.choices},
        "family_relationship": {k: str(v) for k, v in FamilyRelationship.choices},
    }


def snapshot(
    instance: Recipient | Provider, fields: Sequence[str], labels: dict[str, dict[str, str]]
) -> dict[str, Any]:
    """Like ihss.core.audit.snapshot (choices shown by label), without a lookup per value."""
    values = instance.__dict__
    result: dict[str, Any] = {}
    for name in fields:
        value = values[name]
        if name in labels:
            value = labels[name].get(value, value)
        elif isinstance(value, dt.date | Decimal):
            value = audit.jsonable(value)
        result[name] = value
    result["county"] = instance.county.name
    return result


RECIPIENT_AUDIT_FIELDS = [c.name for c in RECIPIENTS.columns if c.model_field]
PROVIDER_AUDIT_FIELDS = [
    *(c.name for c in PROVIDERS.columns if c.model_field),
    "worked_to_date_minutes",
]


def import_files(
    files: Sequence[SourceFile],
    *,
    actor: Any = None,
    allowed_counties: set[str] | None = None,
    dry_run: bool = False,
    reason: str = "",
    progress: Progress | None = None,
    today: dt.date | None = None,
    on_saved: Callable[[Outcome], None] | None = None,
) -> Outcome:
    """Check `files` together and, when every row is right, create all their records.

    `allowed_counties` is the set of county codes the importer may write (None: all).
    `on_saved(outcome)` runs inside the transaction, after the records are created, so
    that the caller's own bookkeeping commits or rolls back with them.
    """
    importer = _Import(
        files,
        allowed_counties=allowed_counties,
        today=today or timezone.localdate(),
        progress=progress,
    )
    importer.check()
    if importer.error_count:
        return Outcome(
            total_rows=importer.total,
            problems=importer.sorted_problems(),
            error_count=importer.error_count,
        )
    if dry_run:
        return importer.counts()
    importer.progress(SAVING, 0, importer.total)
    try:
        with transaction.atomic():
            outcome = importer.write(actor=actor, reason=reason)
            if on_saved is not None:
                on_saved(outcome)
    except _FileChanged:
        problem = Problem(
            "",
            0,
            "",
            _(
                "A file changed while it was being imported. Nothing was imported; please "
                "import the files again."
            ),
        )
        return Outcome(total_rows=importer.total, problems=[problem], error_count=1)
    except IntegrityError as exc:
        # Constraint messages name columns and numbers, never SSNs (those are encrypted).
        logger.warning("Import rolled back by the database: %s", exc)
        problem = Problem(
            "",
            0,
            "",
            _(
                "While this import ran, someone else saved a record with one of its numbers or "
                "SSNs. Nothing was imported; please run the import again."
            ),
        )
        return Outcome(total_rows=importer.total, problems=[problem], error_count=1)
    return outcome
