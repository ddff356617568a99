"""A matrix proving that no role reaches another person's account data.

Every cell is one role (or a stranger) and one named route of the real URLconf. The
routes are walked from the resolver, and each must be classified in RULES: who the page
is for and, when its address names a record (a message, an outbox row, an account, a
case or provider number, an import, a signed link), what kind of record. A new route
that is not classified fails test_every_route_is_classified_in_the_matrix, which says
what to add.

In each cell the signed-in person asks for their own record, their twin's (the same
role, another person: tests/account_world.py) and one that does not exist, by every
method the route takes, and the answer must be the one a person would notice:

- a stranger is sent to sign in (302 to /sign-in/); the API answers 401 itself;
- a role the page is not for gets 403, whatever the record (so nothing can be probed);
- a record the person may not see answers 404, exactly like one that does not exist;
  the public signed links (reset, confirm) answer their "this link is not valid" page;
- their own record, or any record for the Service Desk's pages, answers (2xx or 3xx).

Around the requests, everyone's account data is snapshotted (account_world.account_state):
only the person's own may change, and another person's only where the Service Desk or a
state administrator acts on it through its pages. Every page shown must carry no one's
password hash, security answer (hashed or typed) or session key, and no other person's
account data (email, message, mobile number, network address, browser) unless the role
may see everyone's (the desk and outbox pages).

Case records: the county-scoping details (read-only desk, a Fresno worker on a Los Angeles
case, writes) are tested in ihss/cases/tests/test_views_access.py and test_api.py; here
every role meets every case route once.

The world is built once for the module inside a transaction rolled back at its end; each
test runs in a savepoint of it. Every test here takes `db`, so that pytest-django runs
them together, before the transactional tests that empty the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from ihss.accounts.models import Role
from ihss.payroll.tests.paid import walker_stub
from tests.account_world import (
    ANONYMOUS,
    OPTIONAL_EVENT,
    Person,
    World,
    account_state,
    build,
    changed,
    reset_token,
    verify_token,
)
from tests.routes import all_routes, arguments

PROVIDER, RECIPIENT, COUNTY = Role.PROVIDER.value, Role.RECIPIENT.value, Role.COUNTY_STAFF.value
DESK, STATE = Role.SERVICE_DESK.value, Role.STATE_ADMIN.value
ROLES = [ANONYMOUS, *Role.values]
DESK_ROLES = frozenset({DESK, STATE})
CASE_ROLES = frozenset({COUNTY, DESK, STATE})
CASE_WRITERS = frozenset({COUNTY, STATE})
STATEWIDE = frozenset({DESK, STATE})
CASE_KINDS = {"recipient", "provider", "assignment", "exemption", "travel"}
# Roles whose signed-in person is scoped to the Los Angeles records.
LOS_ANGELES_ONLY = {PROVIDER, RECIPIENT, COUNTY}

# What a cell expects, besides an exact status code.
OK = "answers"  # 2xx or 3xx, and not a sign-in redirect
SIGN_IN = "sent to sign in"
INVALID_LINK = "the invalid-link page"  # 200 with state "invalid"

MISSING_PK = 10**9
# Roles with a timesheet (or sick leave claim) of their own to ask for (the provider's,
# the recipient's, the county's); the desk and the state read any.
TIMESHEET_HOLDERS = {PROVIDER, RECIPIENT, COUNTY, DESK, STATE}
VIOLATION_HOLDERS = {PROVIDER, COUNTY, DESK, STATE}
PAY_HOLDERS = {PROVIDER, COUNTY, DESK, STATE}
TIMESHEET_ROLES = frozenset(TIMESHEET_HOLDERS)  # the API refuses the others (403)
VIOLATION_ROLES = frozenset(VIOLATION_HOLDERS)
VISIT_READERS = frozenset({PROVIDER, RECIPIENT, COUNTY, DESK, STATE})


@dataclass(frozen=True)
class Rule:
    """Who may use a route, and what record its address names."""

    record: str | None = None  # a key of RECORDS
    roles: frozenset[str] | None = None  # None: anyone signed in (about themselves)
    public: bool = False  # no sign-in: a stranger's page, or a signed link
    api: bool = False  # answers 401 itself rather than sending to sign in
    methods: tuple[str, ...] = ("get",)
    others: frozenset[str] = frozenset()  # roles that reach anyone's record of this kind
    writes: bool = False  # a case-record change page
    refused: Any = 404  # how a record the person may not reach answers
    ok: Any = OK  # how it answers the people it is for
    stranger: Any = None  # how it answers someone not signed in, if not sent to sign in


def own(*methods: str, api: bool = False, record: str | None = None) -> Rule:
    return Rule(record=record, methods=methods or ("get",), api=api)


def public(*methods: str, record: str | None = None, refused: Any = 404, ok: Any = OK) -> Rule:
    return Rule(record=record, public=True, methods=methods or ("get",), refused=refused, ok=ok)


def desk(*methods: str, record: str | None = None) -> Rule:
    return Rule(record=record, roles=DESK_ROLES, methods=methods or ("get",), others=DESK_ROLES)


def case(record: str | None = None, *, writes: bool = False, api: bool = False) -> Rule:
    methods = ("get", "post") if writes else ("get",)
    return Rule(record=record, roles=CASE_ROLES, methods=methods, writes=writes, api=api)


def role_page(role: str) -> Rule:
    return Rule(roles=frozenset({role}))


def timesheet_step(role: str, *methods: str) -> Rule:
    return Rule(record="timesheet", roles=frozenset({role}), methods=methods)


def api_timesheet_step(role: str, *methods: str, ok: Any = OK) -> Rule:
    return Rule(record="timesheet", roles=frozenset({role}), methods=methods, api=True, ok=ok)


IMPORT_JOB = Rule(record="import", others=frozenset({STATE}))

RULES: dict[str, Rule] = {
    # Signing in, out, registering and recovering: a stranger's pages and signed links.
    "login": public("get", "post"),
    "logout": Rule(methods=("post",), ok=SIGN_IN),  # signing out ends at the sign-in page
    "recover-username": public("get", "post"),
    "recover-password": public("get", "post"),
    "recover-reset": public("get", "post", record="reset", refused=INVALID_LINK),
    "register": public("get", "post"),
    "register-account": public("get", "post"),
    "register-sent": public(),
    "register-verify": public("get", "post", record="verify", refused=INVALID_LINK),
    "set_language": public("post"),
    # Case records (county staff, the desk reading, state administrators).
    "cases:recipient-list": case(),
    "cases:recipient-create": case(writes=True),
    "cases:recipient-detail": case("recipient"),
    "cases:recipient-edit": case("recipient", writes=True),
    "cases:recipient-hours": case("recipient", writes=True),
    "cases:assignment-create": case("recipient", writes=True),
    "cases:assignment-edit": case("assignment", writes=True),
    "cases:assignment-end": case("assignment", writes=True),
    "cases:provider-list": case(),
    "cases:provider-create": case(writes=True),
    "cases:provider-detail": case("provider"),
    "cases:provider-edit": case("provider", writes=True),
    "cases:exemption-create": case("provider", writes=True),
    "cases:exemption-end": case("exemption", writes=True),
    "cases:travel-create": case("provider", writes=True),
    "cases:travel-end": case("travel", writes=True),
    "cases:import": Rule(roles=CASE_WRITERS, methods=("get", "post")),
    "cases:import-job": IMPORT_JOB,
    "cases:import-progress": IMPORT_JOB,
    "cases:import-errors": IMPORT_JOB,
    "cases:import-sample": Rule(record="layout", roles=CASE_WRITERS),
    # The person's own messages and notice settings.
    "notifications:inbox": own(),
    "notifications:message": own(record="message"),
    "notifications:message-unread": own("post", record="message"),
    "notifications:read-all": own("post"),
    "notifications:settings": own("get", "post"),
    "notifications:mobile-add": own("get", "post"),
    "notifications:mobile-confirm": own("get", "post"),
    "notifications:mobile-remove": own("post"),
    "notifications:unsubscribe": public("get", "post", record="unsubscribe"),
    # It answers only the session its link opened: nobody's, in this matrix.
    "notifications:unsubscribe-confirm": public("get", "post", ok=404),
    # Everyone's outbox and accounts: the Service Desk and state administrators only.
    "notifications:outbox": desk(),
    "notifications:outbox-detail": desk(record="delivery"),
    "notifications:outbox-retry": desk("post", record="delivery"),
    "accounts:desk-search": desk(),
    "accounts:desk-account": desk("get", "post", record="account"),
    # The person's own sign-ins.
    "accounts:security": own("get", "post"),
    "accounts:keep-alive": own("post"),
    "accounts:password-change": own("get", "post"),
    # Second factors and confirmations: the person's own, no record in the address
    # (factor-remove names an app or passkey; nobody in the world has one, so it is 404
    # for everyone here: ihss/accounts/tests/test_second_factor.py removes real ones).
    "accounts:confirm": own("get", "post"),
    "accounts:factors": own(),
    "accounts:second-factor": own("get", "post"),
    "accounts:app-add": own("get", "post"),
    "accounts:recovery-codes": own("post"),
    "accounts:factor-remove": Rule(record="factor", methods=("get", "post"), ok=404),
    "accounts:desk-factor-reset": desk("get", "post", record="account"),
    "accounts:desk-email": desk("get", "post", record="account"),
    # A staff member's second factor: the desk asks, a state administrator decides (no
    # request in the world: 404 for them; ihss/accounts/tests/test_staff_second_factor_reset.py).
    "accounts:factor-requests": role_page(STATE),
    # The program parameters: state administrators only (ihss/web/tests/test_parameter_pages.py).
    "parameters:list": role_page(STATE),
    "parameters:detail": Rule(record="parameter", roles=frozenset({STATE})),
    "parameters:schedule": Rule(
        record="parameter", roles=frozenset({STATE}), methods=("get", "post")
    ),
    "accounts:factor-request": Rule(
        record="factor", roles=frozenset({STATE}), methods=("get", "post"), ok=404
    ),
    # Personal access tokens: the person's own; the desk revokes anyone's.
    "accounts:tokens": own(),
    "accounts:token-create": own("get", "post"),
    "accounts:token-revoke": own("get", "post", record="token"),
    "accounts:desk-token-revoke": desk("get", "post", record="desk-token"),
    # Passkey ceremonies (JSON, POST) and their strings: about the signed-in person only.
    "otp_webauthn:credential-registration-begin": own("post"),
    # Completing without having begun is refused (400): the ceremony's state is per session.
    "otp_webauthn:credential-registration-complete": Rule(methods=("post",), ok=400),
    "otp_webauthn:credential-authentication-begin": own("post"),
    "otp_webauthn:credential-authentication-complete": Rule(methods=("post",), ok=400),
    "otp_webauthn:js-i18n-catalog": own(),
    # The strength meter's check: open to strangers (registration) but answering only a
    # session that is choosing a password (403 otherwise), and signed-in people about
    # themselves.
    "password-check": Rule(methods=("post",), stranger=403),
    # The API: its description and docs are public; the rest answers 401 to strangers.
    "api-v1:openapi-json": public(),
    "api-v1:openapi-view": public(),
    "api-v1:api-root": public(ok=404),  # the API has no home page of its own
    # The Career Pathways catalog is public (its own tests: ihss/training/tests); this
    # world has no course, so a course's page answers 404 to everyone.
    "training:catalog": public(),
    "training:course": public(record="course", ok=404),
    "api-v1:training-catalog": public(),
    # A provider's classes (the registration tests: ihss/training/tests). This world has
    # no course, class or registration: a provider's steps on one answer 404.
    "training:mine": role_page(PROVIDER),
    # Coaching (ihss/training/tests/test_coaching.py): a provider's own requests; the
    # coaches' queue. This world has no request: a step on one answers 404.
    "training:coaching": Rule(roles=frozenset({PROVIDER}), methods=("get", "post")),
    "training:coaching-book": Rule(
        record="course", roles=frozenset({PROVIDER}), methods=("post",), ok=404
    ),
    "training:coaching-cancel": Rule(
        record="course", roles=frozenset({PROVIDER}), methods=("post",), ok=404
    ),
    "training:coach": role_page(Role.COACH.value),
    "training:coach-request": Rule(
        record="course", roles=frozenset({Role.COACH.value}), methods=("get", "post"), ok=404
    ),
    # The same through the API (ihss/training/tests/test_api.py): a provider's own records,
    # the training provider's rosters; this world has no class or claim (404).
    "api-v1:training-registrations": Rule(roles=frozenset({PROVIDER}), api=True),
    "api-v1:training-claims": Rule(roles=frozenset({PROVIDER}), api=True),
    "api-v1:training-incentives": Rule(roles=frozenset({PROVIDER}), api=True),
    "api-v1:training-register": Rule(
        record="course", roles=frozenset({PROVIDER}), api=True, methods=("post",), ok=404
    ),
    "api-v1:training-enroll": Rule(
        record="course", roles=frozenset({PROVIDER}), api=True, methods=("post",), ok=404
    ),
    "api-v1:training-cancel": Rule(
        record="course", roles=frozenset({PROVIDER}), api=True, methods=("post",), ok=404
    ),
    "api-v1:training-claim-confirm": Rule(
        record="course", roles=frozenset({PROVIDER}), api=True, methods=("post",), ok=404
    ),
    "api-v1:training-classes": Rule(roles=frozenset({Role.TRAINING_PROVIDER.value}), api=True),
    "api-v1:training-roster": Rule(
        record="course", roles=frozenset({Role.TRAINING_PROVIDER.value}), api=True, ok=404
    ),
    "api-v1:training-attendance": Rule(
        record="course",
        roles=frozenset({Role.TRAINING_PROVIDER.value}),
        api=True,
        methods=("put",),
        ok=404,
    ),
    # EVV through the API (ihss/evv/tests/test_api.py): providers punch (an empty body is
    # refused, 422); everyone whose roles show visits lists them; this world has no visit.
    "api-v1:evv-check-in": Rule(roles=frozenset({PROVIDER}), api=True, methods=("post",), ok=422),
    "api-v1:evv-check-out": Rule(roles=frozenset({PROVIDER}), api=True, methods=("post",), ok=422),
    "api-v1:evv-sync": Rule(roles=frozenset({PROVIDER}), api=True, methods=("post",), ok=422),
    "api-v1:evv-visits": Rule(roles=VISIT_READERS, api=True),
    "api-v1:evv-visit": Rule(record="visit", roles=VISIT_READERS, api=True, ok=404),
    "api-v1:evv-correct": Rule(
        record="visit", roles=frozenset({PROVIDER}), api=True, methods=("post",), ok=404
    ),
    "training:progress": role_page(PROVIDER),
    "training:certificate": Rule(record="course", roles=frozenset({PROVIDER}), ok=404),
    "training:certificate-pdf": Rule(record="course", roles=frozenset({PROVIDER}), ok=404),
    "training:verify": public(),
    "training:careers": public(),
    "training:help": public(),
    # An empty form is refused (400) and changes nothing.
    "training:careers-edit": Rule(roles=frozenset({STATE}), methods=("get", "post"), ok=OK),
    "training:register": Rule(
        record="course", roles=frozenset({PROVIDER}), methods=("post",), ok=404
    ),
    "training:enroll": Rule(
        record="course", roles=frozenset({PROVIDER}), methods=("post",), ok=404
    ),
    "training:cancel": Rule(
        record="course", roles=frozenset({PROVIDER}), methods=("post",), ok=404
    ),
    "training:switch": Rule(
        record="course", roles=frozenset({PROVIDER}), methods=("post",), ok=404
    ),
    "training:calendar": Rule(record="course", roles=frozenset({PROVIDER}), ok=404),
    "training:claim-confirm": Rule(
        record="course", roles=frozenset({PROVIDER}), methods=("post",), ok=404
    ),
    # The training provider's classes (ihss/training/tests/test_attendance_and_pay.py).
    "training:classes": role_page(Role.TRAINING_PROVIDER.value),
    "training:roster": Rule(
        record="course", roles=frozenset({Role.TRAINING_PROVIDER.value}), ok=404
    ),
    "training:course-new": Rule(roles=frozenset({Role.TRAINING_PROVIDER.value})),
    "training:course-edit": Rule(
        record="course", roles=frozenset({Role.TRAINING_PROVIDER.value}), ok=404
    ),
    "training:class-new": Rule(
        record="course", roles=frozenset({Role.TRAINING_PROVIDER.value}), ok=404
    ),
    "training:class-edit": Rule(
        record="course",
        roles=frozenset({Role.TRAINING_PROVIDER.value}),
        methods=("get", "post"),
        ok=404,
    ),
    "training:class-cancel": Rule(
        record="course",
        roles=frozenset({Role.TRAINING_PROVIDER.value}),
        methods=("get", "post"),
        ok=404,
    ),
    "training:completions": Rule(
        record="course",
        roles=frozenset({Role.TRAINING_PROVIDER.value}),
        methods=("get", "post"),
        ok=404,
    ),
    "api-v1:training-completions": Rule(
        record="course",
        roles=frozenset({Role.TRAINING_PROVIDER.value}),
        api=True,
        methods=("put",),
        ok=404,
    ),
    "training:roster-csv": Rule(
        record="course", roles=frozenset({Role.TRAINING_PROVIDER.value}), ok=404
    ),
    "api-v1:counties": case(api=True),
    "api-v1:recipients": case(api=True),
    "api-v1:recipient": case("recipient", api=True),
    "api-v1:providers": case(api=True),
    "api-v1:provider": case("provider", api=True),
    "api-v1:recipient_audit": case("recipient", api=True),
    "api-v1:provider_audit": case("provider", api=True),
    "api-v1:messages": own(api=True),
    "api-v1:unread_count": own(api=True),
    "api-v1:message": own(api=True, record="message"),
    "api-v1:mark_read": own("post", api=True, record="message"),
    "api-v1:mark_unread": own("post", api=True, record="message"),
    "api-v1:preferences": own(api=True),
    "api-v1:set_preferences": own("put", api=True),
    # Timesheets: the provider's and the recipient's own, their county's, the desk's
    # and the state's to read. (The workflow's own access tests: ihss/timesheets/tests.)
    "timesheets:mine": role_page(PROVIDER),
    # Pay: the provider's own issued stubs, their county's for staff, any for the desk and
    # the state (the pay pages' own tests: ihss/payroll/tests/test_pay_pages.py).
    "payroll:mine": role_page(PROVIDER),
    "payroll:statement": role_page(PROVIDER),
    "payroll:stub": Rule(record="stub", others=STATEWIDE),
    "payroll:stub-pdf": Rule(record="stub", others=STATEWIDE),
    "payroll:timeline": Rule(record="pay-document", others=STATEWIDE),
    "payroll:provider-pay": Rule(record="pay-provider", others=STATEWIDE),
    "payroll:provider-statement": Rule(record="pay-provider", others=STATEWIDE),
    "api-v1:stubs": Rule(roles=frozenset({PROVIDER}), api=True),
    "api-v1:statement": Rule(record="year", roles=frozenset({PROVIDER}), api=True),
    "api-v1:stub": Rule(record="stub", others=STATEWIDE, api=True),
    "api-v1:timeline": Rule(record="pay-document", others=STATEWIDE, api=True),
    "timesheets:start": Rule(roles=frozenset({PROVIDER}), methods=("post",), ok=404),
    "timesheets:review": role_page(RECIPIENT),
    "timesheets:hours": role_page(RECIPIENT),
    "timesheets:violations": Rule(roles=frozenset({PROVIDER, COUNTY, DESK, STATE})),
    # Only county staff and the state record disputes; an empty form changes nothing.
    "timesheets:violation": Rule(record="violation", others=STATEWIDE),
    "timesheets:county": Rule(roles=CASE_ROLES),
    # (Its POST, with a form, is tested in ihss/timesheets/tests/test_exceptions.py.)
    "timesheets:exceptions": Rule(roles=CASE_WRITERS),
    "timesheets:detail": Rule(record="timesheet", others=STATEWIDE),
    "timesheets:week": timesheet_step(PROVIDER, "get", "post"),
    "timesheets:week-check": timesheet_step(PROVIDER, "post"),
    "timesheets:submit": timesheet_step(PROVIDER, "post"),
    # (Its POST, the signature, is tested with a body in ihss/timesheets/tests.)
    "timesheets:approve": timesheet_step(RECIPIENT, "get"),
    # Returning with no reason is refused (400) and changes nothing.
    "timesheets:reject": Rule(
        record="timesheet", roles=frozenset({RECIPIENT}), methods=("post",), ok=400
    ),
    # A decision with no reason is refused (400, the page again with its error summary).
    "timesheets:county-decide": Rule(
        record="timesheet",
        roles=CASE_WRITERS,
        methods=("post",),
        others=frozenset({STATE}),
        ok=400,
    ),
    # The same through the API (ihss/timesheets/tests/test_api.py walks the workflow). The
    # world's timesheets were sent, so the provider's changes answer 409 and nothing moves;
    # the recipient's and the county's steps are sent a body they refuse (422), so that no
    # one is notified; submitting again is harmless.
    "api-v1:timesheets": Rule(roles=TIMESHEET_ROLES, api=True),
    "api-v1:open_timesheet": Rule(roles=frozenset({PROVIDER}), api=True, methods=("post",), ok=404),
    "api-v1:timesheet": Rule(record="timesheet", roles=TIMESHEET_ROLES, api=True, others=STATEWIDE),
    "api-v1:save_week": api_timesheet_step(PROVIDER, "put", ok=409),
    "api-v1:check_week": api_timesheet_step(PROVIDER, "post", ok=409),
    "api-v1:submit_timesheet": api_timesheet_step(PROVIDER, "post"),
    "api-v1:approve_timesheet": api_timesheet_step(RECIPIENT, "post", ok=422),
    "api-v1:return_timesheet": api_timesheet_step(RECIPIENT, "post", ok=422),
    "api-v1:county_review_queue": Rule(roles=CASE_ROLES, api=True),
    "api-v1:decide_county_review": Rule(
        record="timesheet",
        roles=CASE_WRITERS,
        api=True,
        methods=("post",),
        others=frozenset({STATE}),
        ok=422,
    ),
    # Travel on a timesheet: the provider's, while it can change (the world's was sent, so
    # both answer with the timesheet's page and change nothing).
    "timesheets:travel-add": timesheet_step(PROVIDER, "post"),
    "timesheets:travel-remove": timesheet_step(PROVIDER, "post"),
    # Paid sick leave: the provider's page (its POST, a claim, is tested with a body in
    # ihss/timesheets/tests) and the recipient's; a claim is the provider's and the
    # recipient's, their county's, the desk's and the state's to read.
    "timesheets:sick-leave": role_page(PROVIDER),
    "timesheets:sick-leave-review": role_page(RECIPIENT),
    "timesheets:sick-leave-claim": Rule(record="sick-leave", others=STATEWIDE),
    # The world's claim is approved already: approving again changes nothing.
    "timesheets:sick-leave-approve": Rule(
        record="sick-leave", roles=frozenset({RECIPIENT}), methods=("post",)
    ),
    # Returning with no reason is refused (400) and changes nothing.
    "timesheets:sick-leave-reject": Rule(
        record="sick-leave", roles=frozenset({RECIPIENT}), methods=("post",), ok=400
    ),
    # Travel and paid sick leave through the API. The world's timesheets were sent, so
    # adding or removing travel answers 409 and changes nothing; a claim for a case number
    # no one is assigned to answers 404, approving the world's approved claim again
    # changes nothing, and returning it without a reason is refused (422).
    "api-v1:add_travel": api_timesheet_step(PROVIDER, "post", ok=409),
    "api-v1:remove_travel": api_timesheet_step(PROVIDER, "delete", ok=409),
    "api-v1:sick_leave": Rule(roles=frozenset({PROVIDER, RECIPIENT}), api=True),
    "api-v1:claim_sick_leave": Rule(
        roles=frozenset({PROVIDER}), api=True, methods=("post",), ok=404
    ),
    "api-v1:sick_leave_claim": Rule(
        record="sick-leave", roles=TIMESHEET_ROLES, api=True, others=STATEWIDE
    ),
    "api-v1:approve_sick_leave": Rule(
        record="sick-leave", roles=frozenset({RECIPIENT}), api=True, methods=("post",)
    ),
    "api-v1:return_sick_leave": Rule(
        record="sick-leave", roles=frozenset({RECIPIENT}), api=True, methods=("post",), ok=422
    ),
    # Violations through the API: the provider's own, their county's, the desk's and the
    # state's to read; county staff and the state record the steps. The world's violations
    # are first notices: a dispute dated before the notice and a decision without a reason
    # are refused (422), and no training is offered for a first violation (409).
    "api-v1:violations": Rule(roles=VIOLATION_ROLES, api=True),
    "api-v1:violation": Rule(record="violation", roles=VIOLATION_ROLES, api=True, others=STATEWIDE),
    "api-v1:file_violation_dispute": Rule(
        record="violation",
        roles=CASE_WRITERS,
        api=True,
        methods=("post",),
        others=frozenset({STATE}),
        ok=422,
    ),
    "api-v1:decide_violation_dispute": Rule(
        record="violation",
        roles=CASE_WRITERS,
        api=True,
        methods=("post",),
        others=frozenset({STATE}),
        ok=422,
    ),
    "api-v1:record_violation_training": Rule(
        record="violation",
        roles=CASE_WRITERS,
        api=True,
        methods=("post",),
        others=frozenset({STATE}),
        ok=409,
    ),
    # The county's exceptions to the weekly maximum; a case number no recipient has is
    # refused (422) and grants nothing.
    "api-v1:weekly_maximum_exceptions": Rule(roles=CASE_WRITERS, api=True),
    "api-v1:grant_weekly_maximum_exception": Rule(
        roles=CASE_WRITERS, api=True, methods=("post",), ok=422
    ),
    # A recipient's hours against their authorization, through the API.
    "api-v1:recipient_hours": Rule(roles=frozenset({RECIPIENT}), api=True),
    # Direct deposit: the provider's own pages and calls; staff read a provider's, masked.
    # Payroll runs: state administrators only (ihss/payroll/tests/test_run_pages.py); the
    # world has no run, so the run's pages answer them 404 and everyone else 403.
    "payroll:runs": Rule(roles=frozenset({STATE}), methods=("get", "post")),
    "payroll:run": Rule(record="run", roles=frozenset({STATE}), ok=404),
    "payroll:run-progress": Rule(record="run", roles=frozenset({STATE}), ok=404),
    "payroll:run-resume": Rule(record="run", roles=frozenset({STATE}), methods=("post",), ok=404),
    "payroll:run-approve": Rule(record="run", roles=frozenset({STATE}), methods=("post",), ok=404),
    "payroll:run-issue": Rule(record="run", roles=frozenset({STATE}), methods=("post",), ok=404),
    "payroll:run-payment-file": Rule(record="run", roles=frozenset({STATE}), ok=404),
    "payroll:run-checks": Rule(record="run", roles=frozenset({STATE}), ok=404),
    "payroll:withholding": role_page(PROVIDER),
    "api-v1:run_list": Rule(roles=frozenset({STATE}), api=True),
    "api-v1:run_detail": Rule(record="run", roles=frozenset({STATE}), api=True, ok=404),
    "api-v1:run_start": Rule(roles=frozenset({STATE}), api=True, methods=("post",), ok=422),
    "api-v1:run_calculate": Rule(
        record="run", roles=frozenset({STATE}), api=True, methods=("post",), ok=404
    ),
    "api-v1:run_approve": Rule(
        record="run", roles=frozenset({STATE}), api=True, methods=("post",), ok=404
    ),
    "api-v1:run_issue": Rule(
        record="run", roles=frozenset({STATE}), api=True, methods=("post",), ok=404
    ),
    "payroll:deposits": role_page(PROVIDER),
    "payroll:deposit-change": role_page(PROVIDER),
    "payroll:deposit-cancel": role_page(PROVIDER),
    "api-v1:deposits_mine": Rule(roles=frozenset({PROVIDER}), api=True),
    "api-v1:deposits_of_provider": Rule(record="provider", roles=CASE_ROLES, api=True),
    "api-v1:enroll_deposit": Rule(roles=frozenset({PROVIDER}), api=True, methods=("post",), ok=422),
    "api-v1:cancel_deposit": Rule(roles=frozenset({PROVIDER}), api=True, methods=("post",)),
    # The EVV phone screen (ihss/evv/tests/test_phone_views.py): a provider's own; its
    # upload refuses a body that is not JSON (400) and records nothing. The app's manifest
    # and service worker are public: they hold no one's data.
    "evv:phone": role_page(PROVIDER),
    "evv:shell": role_page(PROVIDER),
    "evv:sync": Rule(roles=frozenset({PROVIDER}), methods=("post",), ok=400),
    "evv:manifest": public(),
    "evv:service-worker": public(),
    # EVV, the county side (ihss/evv/tests/test_county_*.py): county staff of their
    # counties, the desk and the state statewide; the export is county staff's alone (its
    # POST, with a form, is tested there). The world has no visit and no export: 404.
    "evv:county-compliance": Rule(roles=CASE_ROLES),
    "evv:county-compliance-csv": Rule(roles=CASE_ROLES),
    "evv:county-visits": Rule(roles=CASE_ROLES),
    "evv:county-visit": Rule(record="evv", roles=CASE_ROLES, ok=404),
    "evv:county-exports": role_page(COUNTY),
    "evv:county-export": Rule(record="evv", roles=frozenset({COUNTY}), ok=404),
    "evv:county-export-progress": Rule(record="evv", roles=frozenset({COUNTY}), ok=404),
    "evv:county-export-csv": Rule(record="evv", roles=frozenset({COUNTY}), ok=404),
    "evv:county-export-json": Rule(record="evv", roles=frozenset({COUNTY}), ok=404),
    "evv:recipient-visits": role_page(RECIPIENT),
    # Home pages.
    "home": own(),
    "provider-home": role_page(PROVIDER),
    "recipient-home": role_page(RECIPIENT),
    "county-home": role_page(COUNTY),
    "training-provider-home": role_page(Role.TRAINING_PROVIDER.value),
    "coach-home": role_page(Role.COACH.value),
    "service-desk-home": role_page(DESK),
    "state-home": role_page(STATE),
}
# Django's admin has its own sign-in and needs is_staff, which no portal role sets
# (ADR 0003): test_no_portal_role_reaches_the_django_admin.
ADMIN_PREFIX = "admin/"

# What a POST (or PUT) sends; the default is an empty form.
BODIES: dict[str, Any] = {
    "api-v1:enroll_deposit": {  # a routing number that fails its check digit: 422
        "routing_number": "121000359",
        "account_number": "123456",
        "account_number_again": "123456",
        "account_type": "checking",
    },
    "login": {"username": "nobody.in.the.world", "password": "not the right password"},
    "set_language": {"language": "es", "next": "/"},
    "notifications:settings": "every notice by email and text",  # built from SPECS below
    "notifications:mobile-confirm": {"code": "000000"},
    "accounts:keep-alive": {"next": "/"},
    "accounts:desk-account": [
        {"reason": "Caller confirmed name and date of birth."},
        {"action": "resend"},
    ],
    "api-v1:set_preferences": {"choices": {OPTIONAL_EVENT.value: "none"}},
    "api-v1:open_timesheet": {"case_number": "1999999", "program": "IHSS", "day": "2026-11-02"},
    "api-v1:save_week": {"days": [{"day": "2026-11-02", "minutes": 60}]},
    "api-v1:check_week": {"days": [{"day": "2026-11-02", "minutes": 60}]},
    "api-v1:approve_timesheet": {"signature": "Probing the matrix", "attest": False},
    "api-v1:return_timesheet": {"reason": " "},
    "api-v1:add_travel": {"day": "2026-11-02", "from_case_number": "1999999", "minutes": 30},
    "api-v1:claim_sick_leave": {
        "case_number": "1999999",
        "program": "IHSS",
        "day": "2026-11-02",
        "minutes": 60,
    },
    "api-v1:return_sick_leave": {"reason": " "},
    "api-v1:decide_county_review": {"decision": "hold", "reason": " "},
    "api-v1:file_violation_dispute": {"filed_on": "2000-01-03"},
    "api-v1:decide_violation_dispute": {"upheld": True, "reason": " "},
    "api-v1:record_violation_training": {"completed_on": "2026-10-21"},
    "api-v1:grant_weekly_maximum_exception": {
        "case_number": "1999999",
        "program": "IHSS",
        "month": "2026-11",
        "reason": "Probing the matrix.",
    },
}
CASE_CHANGE = {"reason": "Probing the matrix."}
# Routes whose POST must change the person's own data: the proof that it was carried out
# (so that "no one else's changed" is not true of a request that did nothing).
CHANGES_OWN = {
    "notifications:read-all",
    "notifications:settings",
    "notifications:mobile-remove",
    "accounts:security",
    "api-v1:set_preferences",
    "set_language",
}
# What each page promises to show the person about themselves (account_world markers).
PROMISES = {
    "notifications:inbox": ["notice"],
    "notifications:message": ["notice"],
    "notifications:settings": ["mobile"],
    "accounts:security": ["ip", "agent"],
    "api-v1:messages": ["notice"],
    "api-v1:message": ["notice"],
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build()
        yield built
        transaction.set_rollback(True)


# --- Filling a route's address ------------------------------------------------------------


def me_of(world: World, role: str) -> Person | None:
    return None if role == ANONYMOUS else world.mine[role]


def twin_of(world: World, role: str) -> Person:
    return world.twin[PROVIDER if role == ANONYMOUS else role]


def _forged(genuine: str, other: str) -> str:
    """`other`'s signed payload under the signature of `genuine`: a tampered link."""
    return other.rsplit(":", 1)[0] + ":" + genuine.rsplit(":", 1)[1]


def _link(world: World, role: str, whose: str, make: Any) -> dict[str, Any] | None:
    """The uid and token of an emailed link: the twin's uid carries my token."""
    me = me_of(world, role) or world.mine[PROVIDER]
    if whose == "own":
        return {"uidb64": me.uidb64, "token": make(me)}
    uid = twin_of(world, role).uidb64 if whose == "twin" else "MTAwMDAwMDAwMA"
    return {"uidb64": uid, "token": make(me)}


def _case(world: World, whose: str, key: Any, missing: Any) -> Any:
    if whose == "missing":
        return missing
    return key(world.la if whose == "own" else world.fresno)


def _record(world: World, kind: str, role: str, whose: str) -> dict[str, Any] | None:
    """The values that name the record `whose` ("own", "twin", "missing") of `kind`."""
    me, twin = me_of(world, role), twin_of(world, role)
    owner = me if whose == "own" else twin
    if kind in {"message", "delivery"}:
        if whose == "missing":
            pk = MISSING_PK
        else:
            pk = (owner.notice if kind == "message" else owner.delivery).pk
        return {"pk": pk, "message_id": pk}
    if kind == "account":
        pk = {"own": me, "twin": world.waiting}.get(whose)
        return {"pk": pk.user.pk if pk else MISSING_PK}
    if kind == "import":
        if whose == "missing":
            return {"pk": MISSING_PK}
        job = world.import_jobs.get(owner.user.pk) if owner else None
        return {"pk": job.pk} if job else None
    if kind == "recipient":
        return {"case_number": _case(world, whose, lambda s: s.recipient.case_number, "1999999")}
    if kind == "provider":
        number = _case(world, whose, lambda s: s.provider.provider_number, "199999999")
        return {"provider_number": number}
    if kind == "assignment":
        return {"pk": _case(world, whose, lambda s: s.assignment.pk, MISSING_PK)}
    if kind in {"exemption", "travel"}:
        side = world.fresno if whose == "twin" else world.la
        pk = MISSING_PK if whose == "missing" else getattr(side, kind).pk
        return {"provider_number": side.provider.provider_number, "pk": pk}
    if kind == "timesheet":
        if whose == "missing":
            pk = MISSING_PK
        elif whose == "own" and role not in TIMESHEET_HOLDERS:
            return None
        else:
            pk = (world.la if whose == "own" else world.fresno).timesheet.pk
        return {"pk": pk, "timesheet_id": pk, "week_start": "2026-11-01", "entry_id": MISSING_PK}
    if kind in {"stub", "pay-document", "pay-provider"}:
        if whose == "own" and role not in PAY_HOLDERS:
            return None
        side = world.la if whose == "own" else world.fresno
        if kind == "pay-provider":
            number = "199999999" if whose == "missing" else side.provider.provider_number
            return {"provider_number": number}
        if kind == "pay-document":
            pk = MISSING_PK if whose == "missing" else side.timesheet.pk
            return {"source": "timesheet", "document_id": pk}
        pk = MISSING_PK if whose == "missing" else walker_stub(side.provider)
        return {"pk": pk, "stub_id": pk}
    if kind == "year":
        return {"year": 2026}
    if kind == "visit":  # the world has no visit: every address is a missing one
        return {"pk": MISSING_PK, "visit_id": MISSING_PK}
    if kind == "course":  # the world has no course, class, registration or claim: all 404
        return {
            "pk": MISSING_PK,
            "course_pk": MISSING_PK,
            "session_pk": MISSING_PK,
            "course_id": MISSING_PK,
            "session_id": MISSING_PK,
            "registration_id": MISSING_PK,
            "claim_id": MISSING_PK,
        }
    if kind == "violation":
        if whose == "missing":
            pk = MISSING_PK
        elif whose == "own" and role not in VIOLATION_HOLDERS:
            return None
        else:
            pk = (world.la if whose == "own" else world.fresno).violation.pk
        return {"pk": pk, "violation_id": pk}
    if kind == "sick-leave":
        if whose == "missing":
            return {"pk": MISSING_PK, "claim_id": MISSING_PK}
        if whose == "own" and role not in TIMESHEET_HOLDERS:
            return None
        side = world.la if whose == "own" else world.fresno
        return {"pk": side.sick_leave.pk, "claim_id": side.sick_leave.pk}
    if kind == "unsubscribe":
        mine = (me or world.mine[PROVIDER]).unsubscribe_token()
        token = {"own": mine, "twin": _forged(mine, twin.unsubscribe_token())}.get(whose)
        return {"token": token or "not-a-signed-link"}
    if kind == "reset":
        return _link(world, role, whose, reset_token)
    if kind == "verify":
        return _link(world, role, whose, verify_token)
    if kind == "layout":
        return {"layout": "recipients"}
    if kind == "parameter":
        return {"key": "multi_recipient_weekly_cap"}
    if kind == "factor":
        return {"kind": "app", "pk": MISSING_PK}
    if kind == "run":
        return {"pk": MISSING_PK, "run_id": MISSING_PK}
    if kind == "evv":  # the world has no visit and no visit export
        return {"pk": MISSING_PK}
    if kind in {"token", "desk-token"}:
        owner = me if whose == "own" else (twin if whose == "twin" else None)
        if kind == "token" and whose == "own" and me is None:
            owner = twin
        if kind == "desk-token":
            owner = {"own": me, "twin": twin}.get(whose) or me or twin
            token_pk = owner.token.pk if whose != "missing" else MISSING_PK
            return {"pk": owner.user.pk, "token_pk": token_pk}
        return {"pk": owner.token.pk if owner else MISSING_PK}
    raise AssertionError(f"no way to fill a record of kind {kind!r}: teach _record()")


def cases_of(rule: Rule, role: str) -> list[str | None]:
    """Whose record the cell asks for: None for a route that names no person's record."""
    if rule.record in (None, "layout", "parameter", "year"):
        return [None]
    return ["twin", "missing"] if role == ANONYMOUS else ["own", "twin", "missing"]


ROUTES = {name: route for route, name, _ in all_routes() if name}


def path_of(world: World, name: str, role: str, whose: str | None) -> str | None:
    rule = RULES[name]
    if rule.record is None:
        return reverse(name)
    values = _record(world, rule.record, role, whose or "own")
    if values is None:
        return None  # this role holds no such record of its own
    return reverse(name, kwargs={a: values[a] for a in arguments(ROUTES[name])})


# --- What each cell expects ---------------------------------------------------------------


def expected(rule: Rule, role: str, whose: str | None) -> Any:
    if rule.public:
        return rule.ok if whose in (None, "own") else rule.refused
    if role == ANONYMOUS:
        if rule.stranger is not None:
            return rule.stranger
        return 401 if rule.api else SIGN_IN
    if rule.roles is not None and role not in rule.roles:
        return 403
    if whose is None:
        return 403 if rule.writes and role not in CASE_WRITERS else rule.ok
    if whose == "missing":
        # An exemption or travel agreement is asked for under its provider: a provider
        # the person may see but not change is refused before the missing record is.
        nested = rule.record in {"exemption", "travel"}
        return 403 if nested and rule.writes and role not in CASE_WRITERS else 404
    if rule.record in CASE_KINDS:
        if whose == "twin" and role not in STATEWIDE:
            return 404  # another county's record, as if it did not exist
        return 403 if rule.writes and role not in CASE_WRITERS else OK
    if whose == "own":
        return rule.ok
    # Someone else's record, for the roles that reach anyone's: answered as their own.
    return rule.ok if role in rule.others else rule.refused


def check_answer(response: Any, expect: Any, where: str) -> None:
    status = response.status_code
    said = f"{where} answered {status} {response.get('Location', '')}, expected {expect}"
    if expect == OK:
        assert status < 400, said
        assert not response.get("Location", "").startswith("/sign-in/"), said
    elif expect == SIGN_IN:
        assert status == 302 and response["Location"].startswith("/sign-in/"), said
    elif expect == INVALID_LINK:
        assert status == 200 and response.context["state"] == "invalid", said
    else:
        assert status == expect, said


def settings_body() -> dict[str, str]:
    from ihss.notifications.events import SPECS

    return {event: "both" for event in SPECS}


def bodies(name: str) -> list[Any]:
    body = BODIES.get(name, CASE_CHANGE if name.startswith("cases:") else {})
    if name == "notifications:settings":
        body = settings_body()
    return body if isinstance(body, list) else [body]


def send(client: Any, method: str, path: str, body: Any) -> Any:
    if method == "get":
        return client.get(path)
    if method == "put" or path.startswith("/api/"):  # the API reads JSON, the pages forms
        json_body = json.dumps(body)
        return getattr(client, method)(path, data=json_body, content_type="application/json")
    return client.post(path, body)


def check_page(world: World, rule: Rule, name: str, role: str, response: Any, where: str) -> None:
    """No secret of anyone on the page, and no one else's account data unless allowed."""
    if response.status_code != 200 or response.get("Content-Type", "").startswith("text/csv"):
        return
    text = response.content.decode(errors="replace")
    me = me_of(world, role)
    for person in world.people:
        for secret in person.secrets:
            assert secret not in text, f"{where} shows a secret of {person.user.username}"
        if person is me or role in rule.others:
            continue
        for kind, marker in person.markers.items():
            assert marker not in text, f"{where} shows the {kind} of {person.user.username}"
    if role in LOS_ANGELES_ONLY:
        for fresno_name in world.fresno.names:
            assert fresno_name not in text, f"{where} shows Fresno's {fresno_name}"


def allowed_to_change(world: World, rule: Rule, role: str) -> set[Any]:
    """Whose account data the cell may change: the person's own; the desk's target."""
    me = me_of(world, role)
    allowed = {me.user.pk} if me else set()
    if role in rule.others and rule.record in {"account", "delivery"}:
        target = world.waiting if rule.record == "account" else twin_of(world, role)
        allowed.add(target.user.pk)
    return allowed


CELLS = [
    pytest.param(role, name, id=f"{role}-{name}")
    for name in RULES
    if name in ROUTES
    for role in ROLES
]


# --- The matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "name"), CELLS)
def test_a_person_reaches_only_their_own_account_data(db, client, world, role, name):
    rule = RULES[name]
    me = me_of(world, role)
    if me is not None:
        client.force_login(me.user)
    before = account_state(world)
    for whose in cases_of(rule, role):
        path = path_of(world, name, role, whose)
        if path is None:
            continue
        expect = expected(rule, role, whose)
        for method in rule.methods:
            for body in [None] if method == "get" else bodies(name):
                where = f"{role} {method.upper()} {name} {path} ({whose or 'no record'})"
                proves = me and method != "get" and name in CHANGES_OWN and whose != "twin"
                ahead = account_state(world) if proves else None
                response = send(client, method, path, body)
                check_answer(response, expect, where)
                if method == "get":
                    check_page(world, rule, name, role, response, where)
                    if whose in (None, "own") and response.status_code == 200:
                        for kind in PROMISES.get(name, []):
                            assert me.markers[kind] in response.content.decode(), where
                elif ahead is not None and me is not None:
                    done = account_state(world)[me.user.pk] != ahead[me.user.pk]
                    assert done, f"{where} did not change the person's own data"
                if method != "get" and name == "logout" and me is not None:
                    client.force_login(me.user)
    after = account_state(world)
    strangers = changed(before, after) - allowed_to_change(world, rule, role)
    names = {p.user.pk: p.user.username for p in world.people}
    assert not strangers, f"{role} on {name} changed the data of " + ", ".join(
        str(names.get(pk, pk)) for pk in strangers
    )


def test_every_route_is_classified_in_the_matrix(db, world):
    """A new route must say who may use it and, if it names a record, what kind."""
    portal = {name: route for name, route in ROUTES.items() if not route.startswith(ADMIN_PREFIX)}
    unclassified = sorted(set(portal) - set(RULES))
    assert not unclassified, (
        "classify these routes in RULES of tests/test_account_data_matrix.py (who may use "
        "them, and the kind of record their address names): " + ", ".join(unclassified)
    )
    stale = sorted(set(RULES) - set(portal))
    assert not stale, f"RULES names routes that no longer exist: {stale}"
    unnamed = [
        route for route, name, _ in all_routes() if not (name or route.startswith(ADMIN_PREFIX))
    ]
    assert not unnamed, f"name these routes so that the matrix can classify them: {unnamed}"
    for name, route in portal.items():
        rule = RULES[name]
        args = arguments(route)
        assert bool(args) == (rule.record is not None), (
            f"{name} ({route}) takes {args or 'no argument'}: its RULES entry must "
            + ("name the kind of record they point to" if args else "have no record")
        )
        for whose in cases_of(rule, DESK):
            values = _record(world, rule.record, DESK, whose) if rule.record else {}
            missing = [a for a in args if a not in (values or {a: 1 for a in args})]
            assert not missing, f"{name}: teach _record() to fill {missing} for {rule.record}"


# --- The Service Desk's account pages -----------------------------------------------------


@pytest.mark.parametrize("role", sorted(DESK_ROLES))
def test_the_desk_account_page_shows_what_it_promises_and_never_a_secret(db, client, world, role):
    provider = world.mine[PROVIDER]
    client.force_login(world.mine[role].user)
    found = client.get(
        reverse("accounts:desk-search"),
        {"q": provider.user.memberships.get().provider.provider_number},
    ).content.decode()
    page = client.get(reverse("accounts:desk-account", args=[provider.user.pk])).content.decode()
    number = provider.user.memberships.get().provider.provider_number
    assert provider.user.username in found and provider.user.email in found
    for promised in [
        provider.user.username,
        provider.user.email,
        f"Provider ({number})",
        "Active",
        "Not paused",
        "Signed in",
        provider.markers["ip"],
    ]:
        assert promised in page, f"the desk account page does not show {promised!r}"
    for text in (found, page):
        for secret in provider.secrets:
            assert secret not in text
        assert "md5$" not in text and "argon2" not in text and "pbkdf2" not in text
    # One person's page: nobody else's sign-ins or messages.
    for person in world.people:
        if person is not provider:
            assert person.markers["ip"] not in page and person.markers["email"] not in page


# --- Django's admin -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_no_portal_role_reaches_the_django_admin(db, client, world, role):
    me = me_of(world, role)
    if me is not None:
        client.force_login(me.user)
    for path in [
        "/admin/",
        "/admin/auth/group/",
        "/admin/accounts/authenticatorapp/",
        "/admin/django_otp_webauthn/webauthncredential/",
    ]:
        response = client.get(path)
        assert response.status_code == 302, (role, path, response.status_code)
        assert response["Location"].startswith(("/admin/login/", "/sign-in/")), (role, path)
