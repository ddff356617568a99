"""Bulk import of case records, phase 1: check every row, across rows and against the database.

See ihss.cases.importing for the whole import.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import logging
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from ihss.cases import import_rules as rules
from ihss.cases.import_rows import (
    CHECKING,
    MAX_LINE_CHARS,
    AssignmentRow,
    Outcome,
    PersonRow,
    Problem,
    Progress,
    SourceFile,
    _authorizations,
    _first_line_not_utf8,
    _LineTooLong,
    _ParsedFile,
    _records,
)
from ihss.cases.import_rules import (
    ASSIGNMENTS,
    ENROLLMENT_STEPS,
    LAYOUT_ORDER,
    Context,
    Layout,
    detect_layout,
)
from ihss.cases.models import (
    Assignment,
    AuthorizedHours,
    County,
    Provider,
    Recipient,
)
from ihss.cases.rules import REGULAR_MONTHLY_CAP, SEVERE_MONTHLY_CAP, monthly_cap_parameter
from ihss.core import crypto
from ihss.core.bulk import chunks as _chunks
from ihss.core.models import ProgramParameter

logger = logging.getLogger(__name__)

LOOKUP_CHUNK = 900  # numbers per IN (...) query: under SQLite's oldest 999-parameter limit
MAX_PROBLEMS_IN_MEMORY = 200_000
SEVERE_CAP = SEVERE_MONTHLY_CAP
REGULAR_CAP = REGULAR_MONTHLY_CAP
SAFE_HEADER_RE = re.compile(r"^[a-z][a-z0-9_ ]{0,39}$")


class _Checking:
    """One import's state and its checking (saving: import_saving._Import). One per import."""

    def __init__(
        self,
        files: Sequence[SourceFile],
        *,
        allowed_counties: set[str] | None,
        today: dt.date,
        progress: Progress | None,
    ) -> None:
        self.sources = list(files)
        self.allowed = allowed_counties
        self.progress = progress or (lambda phase, done, total: None)
        self.counties = {c.code: c for c in County.objects.all()}
        self.ctx = Context(today=today, county_codes=frozenset(self.counties))
        self.caps: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
        for key, start, value in ProgramParameter.objects.filter(
            key__in=[SEVERE_CAP, REGULAR_CAP]
        ).values_list("key", "effective_from", "value"):
            self.caps[key].append((start, int(value)))
        for rows in self.caps.values():
            rows.sort()
        self.problems: list[Problem] = []
        self.error_count = 0
        self.total = 0
        self.parsed: list[_ParsedFile] = []
        self.hours = 0  # authorized hours records the recipients' rows give
        self.keep_hours = False
        self.checked = 0
        self.file_order: dict[str, int] = {}
        self.file_layout: dict[str, Layout] = {}
        self.recipients: dict[str, PersonRow] = {}
        self.providers: dict[str, PersonRow] = {}
        self.assignments: list[AssignmentRow] = []
        self.ssn_seen: dict[str, dict[str, PersonRow]] = {"recipients": {}, "providers": {}}
        self.db_recipients: dict[str, tuple[int, str]] = {}
        self.db_providers: dict[str, int] = {}

    # -- reporting --

    def report(self, file: str, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.problems) < MAX_PROBLEMS_IN_MEMORY:
            self.problems.append(Problem(file, row, column, message))

    def sorted_problems(self) -> list[Problem]:
        """By file (in the order given), row, then column (in the layout's order)."""
        positions = {
            name: {column: i for i, column in enumerate(layout.names)}
            for name, layout in self.file_layout.items()
        }
        return sorted(
            self.problems,
            key=lambda p: (
                self.file_order.get(p.file, -1),
                p.row,
                positions.get(p.file, {}).get(p.column, -1),
            ),
        )

    # -- phase 1: checking --

    def check(self) -> None:
        limit = int(settings.IMPORT_MAX_ROWS)
        parsed: list[_ParsedFile] = []
        for i, source in enumerate(self.sources):
            opened = self._open(i, source, limit=limit - self.total)
            if opened is not None:
                parsed.append(opened)
                self.total += opened.rows
            if self.total > limit:
                self.report(
                    "",
                    0,
                    "",
                    _(
                        "This import has more than %(max)s rows; at most %(max)s rows can be "
                        "imported at a time. Nothing was imported. Split the files into "
                        "several imports (recipients and providers before the assignments "
                        "that refer to them)."
                    )
                    % {"max": f"{limit:,}"},
                )
                return
        self.parsed = parsed
        self.keep_hours = any(p.layout is ASSIGNMENTS for p in parsed)
        self.progress(CHECKING, 0, self.total)
        # Recipients and providers first, so that assignments can refer to them.
        for p in sorted(parsed, key=lambda p: (LAYOUT_ORDER[p.layout.kind], p.order)):
            self._check_file(p)
        self._check_against_database()
        self._check_assignments()
        self.progress(CHECKING, self.total, self.total)

    def _unique_name(self, name: str) -> str:
        base, n = name, 2
        while name in self.file_order:
            name, n = f"{base} ({n})", n + 1
        return name

    def _open(self, order: int, source: SourceFile, *, limit: int) -> _ParsedFile | None:
        """Read the file through once: its header, and how many rows (up to limit + 1)."""
        name = self._unique_name(source.name or _("file %(n)d") % {"n": order + 1})
        self.file_order[name] = order
        rows = 0
        header: list[str] | None = None
        try:
            for number, cells in _records(source):
                if header is None:
                    header = [c.strip().lower() for c in cells]
                    if number != 1:
                        self.report(name, number, "", _("The header row must be the first row."))
                        return None
                else:
                    rows += 1
                    if rows > limit:
                        break
        except UnicodeDecodeError:
            self.report(
                name,
                _first_line_not_utf8(source),
                "",
                _(
                    "This file is not UTF-8 text (the first unreadable character is on this "
                    "row). Save it as “CSV UTF-8” and import it again."
                ),
            )
            return None
        except _LineTooLong:
            self.report(
                name,
                rows + 2 if header is not None else 1,
                "",
                _(
                    "This row is longer than %(max)s characters, which no row of any layout "
                    "is; check that the file is a CSV file."
                )
                % {"max": f"{MAX_LINE_CHARS:,}"},
            )
            return None
        except csv.Error:
            self.report(
                name, rows + 2, "", _("This row cannot be read as CSV (check its quote marks).")
            )
            return None
        if header is None:
            self.report(name, 1, "", _("The file is empty; the first row must be the header row."))
            return None
        layout = detect_layout(header)
        if layout is None:
            self.report(
                name,
                1,
                "",
                _(
                    "The first row is not the header row of a recipients, providers or "
                    "assignments file; see the import format for the column names."
                ),
            )
            return None
        self.file_layout[name] = layout
        if not self._check_header(name, layout, header):
            return None
        return _ParsedFile(order, name, layout, header, source, rows)

    def _check_header(self, name: str, layout: Layout, header: list[str]) -> bool:
        seen: set[str] = set()
        for position, column in enumerate(header, start=1):
            if not column:
                self.report(
                    name,
                    1,
                    "",
                    _("Column %(n)d has no name in the header row.") % {"n": position},
                )
            elif column in seen:
                self.report(name, 1, column, _("This column appears twice in the header row."))
            elif column not in layout.names:
                if SAFE_HEADER_RE.match(column):
                    message = _(
                        "“%(column)s” is not a column of a %(layout)s file; remove it or fix "
                        "its name."
                    ) % {"column": column, "layout": layout.kind}
                else:
                    message = _(
                        "Column %(n)d is not a column of a %(layout)s file; remove it or fix "
                        "its name."
                    ) % {"n": position, "layout": layout.kind}
                self.report(name, 1, "", message)
            seen.add(column)
        missing = [c for c in layout.required if c not in seen]
        for column in missing:
            self.report(name, 1, column, _("This required column is missing from the header row."))
        return not missing

    @staticmethod
    def _plan(parsed: _ParsedFile) -> list[tuple[rules.Column, int | None]]:
        """Each column of the layout, with its position in the file (None: not given)."""
        index: dict[str, int] = {}
        for i, name in enumerate(parsed.header):
            index.setdefault(name, i)
        return [(c, index.get(c.name)) for c in parsed.layout.columns]

    def _check_file(self, parsed: _ParsedFile) -> None:
        from ihss.cases import importing  # the facade, where tests change the tunables

        every = importing.PROGRESS_EVERY
        layout = parsed.layout
        plan = self._plan(parsed)
        width = len(parsed.header)
        check_row = {
            "recipients": self._recipient_row,
            "providers": self._provider_row,
            "assignments": self._assignment_row,
        }[layout.kind]
        records = _records(parsed.source)
        next(records)  # the header
        for number, cells in records:
            self.checked += 1
            if self.checked % every == 0:
                self.progress(CHECKING, self.checked, self.total)
            before = self.error_count
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                self.report(
                    parsed.name,
                    number,
                    "",
                    _("This row has %(cells)d cells but the header row has %(columns)d columns.")
                    % {"cells": len(cells), "columns": width},
                )
                continue
            clean: dict[str, Any] = {}
            bad: set[str] = set()
            for column, position in plan:
                raw = (
                    cells[position].strip()
                    if position is not None and position < len(cells)
                    else ""
                )
                if not raw:
                    if column.required:
                        self.report(parsed.name, number, column.name, rules.required_message())
                        bad.add(column.name)
                    continue
                try:
                    clean[column.name] = column.read(raw, self.ctx)
                except rules.Invalid as exc:
                    self.report(parsed.name, number, column.name, exc.message)
                    bad.add(column.name)
            check_row(parsed.name, number, clean, bad, before)

    def _county_allowed(self, file: str, row: int, code: str | None) -> None:
        if code and not self._may_write(code):
            self.report(
                file,
                row,
                "county_code",
                _("County %(code)s is not yours to import.") % {"code": code},
            )

    def _where(self, other: PersonRow | AssignmentRow, file: str) -> str:
        if other.file == file:
            return _("row %(row)d") % {"row": other.row}
        return _("row %(row)d of %(file)s") % {"row": other.row, "file": other.file}

    def _person(
        self,
        kind: str,
        number_column: str,
        rows: dict[str, PersonRow],
        file: str,
        row: int,
        clean: dict[str, Any],
        bad: set[str],
    ) -> PersonRow:
        code = sys.intern(clean.get("county_code", ""))  # one string per county, not per row
        self._county_allowed(file, row, code)
        if ("latitude" in clean) != ("longitude" in clean) and not bad & {"latitude", "longitude"}:
            missing = "longitude" if "latitude" in clean else "latitude"
            self.report(file, row, missing, _("Give both latitude and longitude, or neither."))
        ssn = clean.get("ssn", "")
        index = crypto.blind_index(ssn, purpose="ssn") if ssn else ""
        person = PersonRow(
            file=file,
            row=row,
            number=clean.get(number_column, ""),
            county_code=code,
            ssn_index=index,
        )
        if person.number:
            other = rows.get(person.number)
            if other is not None:
                self.report(
                    file,
                    row,
                    number_column,
                    _("The same number is also on %(where)s.")
                    % {"where": self._where(other, file)},
                )
            else:
                rows[person.number] = person
        if index:
            seen = self.ssn_seen[kind]
            other = seen.get(index)
            if other is not None:
                self.report(
                    file,
                    row,
                    "ssn",
                    _("The SSN on row %(row)d is also on %(where)s.")
                    % {"row": row, "where": self._where(other, file)},
                )
            else:
                seen[index] = person
        return person

    def _recipient_row(
        self, file: str, row: int, clean: dict[str, Any], bad: set[str], before: int
    ) -> None:
        person = self._person("recipients", "case_number", self.recipients, file, row, clean, bad)
        rep = [c for c in clean if c.startswith("representative_")]
        if rep and "representative_name" not in clean and "representative_name" not in bad:
            self.report(
                file,
                row,
                "representative_name",
                _("Give the representative's name along with their other details."),
            )
        ihss = clean.get("ihss_monthly_hours")
        wpcs = clean.get("wpcs_monthly_hours")
        start = clean.get("hours_effective_from")
        hours_bad = bool(bad & {"ihss_monthly_hours", "wpcs_monthly_hours"})
        if ihss is not None or wpcs is not None:
            if start is None and "hours_effective_from" not in bad:
                self.report(
                    file,
                    row,
                    "hours_effective_from",
                    _("Give the date these hours take effect (YYYY-MM-DD)."),
                )
        elif start is not None and not hours_bad:
            self.report(
                file,
                row,
                "hours_effective_from",
                _("There are no hours on this row for this date; give hours or leave it empty."),
            )
        for column, minutes in (("ihss_monthly_hours", ihss), ("wpcs_monthly_hours", wpcs)):
            if minutes == 0:
                self.report(
                    file,
                    row,
                    column,
                    _("Hours must be more than 0:00; leave the cell empty for none."),
                )
        if ihss and start is not None:
            severe = bool(clean.get("severely_impaired"))
            limit = self.cap(monthly_cap_parameter(severely_impaired=severe), start)
            if limit is not None and ihss > limit:
                why = (
                    _("a severely impaired recipient can be authorized for per month")
                    if severe
                    else _("a recipient who is not severely impaired can be authorized for")
                )
                self._hours_over(file, row, "ihss_monthly_hours", ihss, limit, why)
        if wpcs:
            if not ihss and "ihss_monthly_hours" not in bad:
                self.report(
                    file,
                    row,
                    "wpcs_monthly_hours",
                    _("WPCS hours need IHSS hours on the same row: WPCS adds to IHSS."),
                )
            elif wpcs > rules.HOURS_IN_LONGEST_MONTH:
                self._hours_over(
                    file,
                    row,
                    "wpcs_monthly_hours",
                    wpcs,
                    rules.HOURS_IN_LONGEST_MONTH,
                    _("hours there are in a month"),
                )
        authorizations = _authorizations(clean)
        self.hours += len(authorizations)
        if self.keep_hours:  # for the assignments' checks; saving reads them again
            person.authorizations = tuple(authorizations)
        person.valid = self.error_count == before

    def _hours_over(
        self, file: str, row: int, column: str, minutes: int, limit: int, why: str
    ) -> None:
        try:
            rules.hours_at_most(minutes, limit, why=why)
        except rules.Invalid as exc:
            self.report(file, row, column, exc.message)

    def cap(self, key: str, on: dt.date) -> int | None:
        """The limit in force on a date; for dates before the first recorded value, that one."""
        rows = self.caps.get(key)
        if not rows:
            return None
        position = bisect.bisect_right(rows, (on, float("inf"))) - 1
        return rows[max(position, 0)][1]

    def _provider_row(
        self, file: str, row: int, clean: dict[str, Any], bad: set[str], before: int
    ) -> None:
        person = self._person("providers", "provider_number", self.providers, file, row, clean, bad)
        if clean.get("status") == Provider.Status.ACTIVE:
            for step in ENROLLMENT_STEPS:
                if step not in clean and step not in bad:
                    self.report(
                        file,
                        row,
                        step,
                        _(
                            "An active provider has completed every enrollment step; "
                            "give the date this step was completed."
                        ),
                    )
        self._sick_leave_start(file, row, clean, bad)
        person.valid = self.error_count == before

    def _sick_leave_start(self, file: str, row: int, clean: dict[str, Any], bad: set[str]) -> None:
        """Hours worked to date need the day they are counted to; a usable day needs the
        earned day, and is not before it."""
        through = "worked_to_date_through"
        if "hours_worked_to_date" in clean and through not in clean and through not in bad:
            self.report(
                file,
                row,
                through,
                _("Give the last day the hours worked to date count, as YYYY-MM-DD."),
            )
        usable, earned = clean.get("sick_leave_usable_on"), clean.get("sick_leave_earned_on")
        if usable is not None and earned is None and "sick_leave_earned_on" not in bad:
            self.report(
                file,
                row,
                "sick_leave_earned_on",
                _("Give the day paid sick leave was earned, since the day it became usable is."),
            )
        elif usable is not None and earned is not None and usable < earned:
            self.report(
                file,
                row,
                "sick_leave_usable_on",
                _("Paid sick leave becomes usable on or after the day it was earned."),
            )

    def _assignment_row(
        self, file: str, row: int, clean: dict[str, Any], bad: set[str], before: int
    ) -> None:
        start, end = clean.get("start_date"), clean.get("end_date")
        if start is not None and end is not None and end < start:
            self.report(file, row, "end_date", _("The end date is before the start date."))
        if clean.get("assigned_monthly_hours") == 0:
            self.report(
                file, row, "assigned_monthly_hours", _("Assigned hours must be more than 0:00.")
            )
        self.assignments.append(
            AssignmentRow(
                file=file,
                row=row,
                provider_number=clean.get("provider_number", ""),
                case_number=clean.get("case_number", ""),
                program=clean.get("program"),
                start=clean.get("start_date"),
                minutes=clean.get("assigned_monthly_hours"),
                valid=self.error_count == before and not bad,
            )
        )

    def _existing(self, queryset: Any, column: str, values: Iterable[str]) -> set[str]:
        wanted = sorted(set(values))
        found: set[str] = set()
        for chunk in _chunks(wanted, LOOKUP_CHUNK):
            found.update(queryset.filter(**{f"{column}__in": chunk}).values_list(column, flat=True))
        return found

    def _existing_ssns(
        self, model: type[Recipient] | type[Provider], indexes: Iterable[str]
    ) -> Iterator[tuple[str, bool]]:
        """(blind index, whether the importer can see that record) for SSNs already saved.

        The importer sees the records of the counties they may import (all for None),
        and, as on the screens, a provider who works for one of those counties' recipients.
        """
        # Any: the stubs cannot follow the annotation through a union of models.
        queryset: Any = model.objects.exclude(ssn_index="")  # as the partial unique index
        allowed = self.allowed
        if allowed is not None and model is Provider:
            queryset = queryset.annotate(
                serves=Exists(
                    Assignment.objects.filter(
                        provider=OuterRef("pk"), recipient__county__code__in=allowed
                    )
                )
            )
        for chunk in _chunks(sorted(set(indexes)), LOOKUP_CHUNK):
            found = queryset.filter(ssn_index__in=chunk)
            if allowed is None:
                for index in found.values_list("ssn_index", flat=True):
                    yield index, True
            elif model is Provider:
                for index, code, serves in found.values_list("ssn_index", "county__code", "serves"):
                    yield index, code in allowed or serves
            else:
                for index, code in found.values_list("ssn_index", "county__code"):
                    yield index, code in allowed

    def _check_against_database(self) -> None:
        for model, rows, number_column, label in (
            (Recipient, self.recipients, "case_number", _("Case number")),
            (Provider, self.providers, "provider_number", _("Provider number")),
        ):
            for number in self._existing(model.objects.all(), number_column, rows):
                person = rows[number]
                person.valid = False
                self.report(
                    person.file,
                    person.row,
                    number_column,
                    _(
                        "%(label)s %(number)s already exists. An import only adds new records; "
                        "change existing ones in the screens."
                    )
                    % {"label": label, "number": number},
                )
        for model, kind, message in (
            (Recipient, "recipients", _("A recipient with this SSN is already in the portal.")),
            (Provider, "providers", _("A provider with this SSN is already in the portal.")),
        ):
            seen = self.ssn_seen[kind]
            for index, visible in self._existing_ssns(model, seen):
                person = seen[index]
                person.valid = False
                if visible:
                    self.report(person.file, person.row, "ssn", message)
                else:
                    # Not which kind of record, nor that it is the SSN: a county worker
                    # must not learn from an import that a person is known elsewhere.
                    self.report(
                        person.file,
                        person.row,
                        "",
                        _(
                            "This row conflicts with a record already in the portal that you "
                            "cannot see. Ask a state administrator to look into it."
                        ),
                    )

    def _check_assignments(self) -> None:
        if not self.assignments:
            return
        # What the portal already holds for the numbers this import does not create.
        db_recipients: dict[str, tuple[int, str]] = {}
        wanted = sorted({a.case_number for a in self.assignments} - set(self.recipients) - {""})
        for chunk in _chunks(wanted, LOOKUP_CHUNK):
            for number, pk, code in Recipient.objects.filter(case_number__in=chunk).values_list(
                "case_number", "pk", "county__code"
            ):
                db_recipients[number] = (pk, code)
        db_providers: dict[str, int] = {}
        wanted = sorted({a.provider_number for a in self.assignments} - set(self.providers) - {""})
        for chunk in _chunks(wanted, LOOKUP_CHUNK):
            db_providers.update(
                Provider.objects.filter(provider_number__in=chunk).values_list(
                    "provider_number", "pk"
                )
            )
        db_authorized: dict[tuple[int, str], list[tuple[dt.date, int]]] = defaultdict(list)
        existing: set[tuple[int, int, str, dt.date]] = set()
        recipient_ids = sorted(pk for pk, _code in db_recipients.values())
        for chunk in _chunks(recipient_ids, LOOKUP_CHUNK):
            for pk, kind, since, allowed in AuthorizedHours.objects.filter(
                recipient_id__in=chunk
            ).values_list("recipient_id", "program", "effective_from", "monthly_minutes"):
                db_authorized[(pk, kind)].append((since, allowed))
            existing.update(
                Assignment.objects.filter(recipient_id__in=chunk).values_list(
                    "provider_id", "recipient_id", "program", "start_date"
                )
            )
        for rows in db_authorized.values():
            rows.sort()
        self.db_recipients = db_recipients
        self.db_providers = db_providers

        seen: dict[tuple[str, str, str, dt.date], AssignmentRow] = {}
        for a in self.assignments:
            before = self.error_count
            program, start, minutes = a.program, a.start, a.minutes
            recipient = self.recipients.get(a.case_number)
            authorized: list[tuple[dt.date, int]] | None = None
            if a.case_number and recipient is not None:
                # A row of this import; a county that is not the importer's is reported there.
                if recipient.valid and program:
                    authorized = [(s, m) for p, s, m in recipient.authorizations if p == program]
            elif a.case_number in db_recipients and self._may_write(
                db_recipients[a.case_number][1]
            ):
                pk, _code = db_recipients[a.case_number]
                if program:
                    authorized = db_authorized.get((pk, program), [])
            elif a.case_number:
                self._unknown_case(a)
            if (
                a.provider_number
                and a.provider_number not in self.providers
                and a.provider_number not in db_providers
            ):
                self.report(
                    a.file,
                    a.row,
                    "provider_number",
                    # Not repeated: a 9-digit number that is no provider's may be an SSN.
                    _("There is no provider with this number in this import or in the portal."),
                )
            if authorized is not None and program and start and minutes:
                self._assigned_within_authorized(a, program, start, minutes, authorized)
            if a.provider_number and a.case_number and program and start:
                key = (a.provider_number, a.case_number, program, start)
                other = seen.get(key)
                if other is not None:
                    self.report(
                        a.file,
                        a.row,
                        "start_date",
                        _(
                            "The same assignment (provider, case, program and start date) is "
                            "also on %(where)s."
                        )
                        % {"where": self._where(other, a.file)},
                    )
                else:
                    seen[key] = a
                provider_pk = db_providers.get(a.provider_number)
                recipient_pk = db_recipients.get(a.case_number, (None, ""))[0]
                if (provider_pk, recipient_pk, program, start) in existing:
                    self.report(
                        a.file,
                        a.row,
                        "start_date",
                        _(
                            "Provider %(provider)s already has this %(program)s assignment for "
                            "case %(case)s starting on this date."
                        )
                        % {
                            "provider": a.provider_number,
                            "program": program,
                            "case": a.case_number,
                        },
                    )
            a.valid = a.valid and self.error_count == before

    def _may_write(self, county_code: str) -> bool:
        return self.allowed is None or county_code in self.allowed

    def _unknown_case(self, a: AssignmentRow) -> None:
        if self.allowed is None:
            message = _(
                "There is no recipient with case number %(number)s in this import or in the portal."
            )
        else:
            # The same words whether the case is another county's or nobody's, so that
            # county staff cannot probe other counties' case numbers.
            message = _("Case %(number)s is not in this import or among your county's recipients.")
        self.report(a.file, a.row, "case_number", message % {"number": a.case_number})

    def _assigned_within_authorized(
        self,
        a: AssignmentRow,
        program: str,
        start: dt.date,
        minutes: int,
        authorized: list[tuple[dt.date, int]],
    ) -> None:
        if not authorized:
            self.report(
                a.file,
                a.row,
                "program",
                _("Case %(case)s has no %(program)s hours authorized, so none can be assigned.")
                % {"case": a.case_number, "program": program},
            )
            return
        # The authorization in force on the start date; for an assignment that started
        # before the first known authorization, that first one.
        position = bisect.bisect_right([s for s, _m in authorized], start) - 1
        limit = authorized[max(position, 0)][1]
        if minutes > limit:
            self._hours_over(
                a.file,
                a.row,
                "assigned_monthly_hours",
                minutes,
                limit,
                _("case %(case)s is authorized for in %(program)s")
                % {"case": a.case_number, "program": program},
            )

    def counts(self) -> Outcome:
        """What saving would create (for a dry run)."""
        return Outcome(
            total_rows=self.total,
            recipients=len(self.recipients),
            providers=len(self.providers),
            assignments=len(self.assignments),
            hours=self.hours,
        )
