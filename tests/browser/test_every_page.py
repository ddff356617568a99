"""Every page of the portal on a desktop and on a small phone, in English and Spanish.

The pages are found by walking the URLconf, so a new page is covered the day it is
added: its URL arguments are filled from the cast's records (case number, provider
number, the primary key of an assignment, exemption or travel agreement), and it is
opened by someone allowed to see it. Each visit must answer 200 at the address asked
for, show no axe-core violation of WCAG 2.2 A/AA, report no Content Security Policy
violation or script error, and at 360 px never scroll sideways.

English is opened at both widths; Spanish at the phone's width, where its longer words
are likeliest to break a layout. The desktop layout in Spanish is the same markup with
the same translated text, so it would repeat the phone's checks (a page is about two
seconds of CI, and there are some 150 pages).

A route that should not be visited goes in SKIP, with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from ihss.accounts.models import Role
from ihss.evv.tests.walker import walker_export, walker_visit
from ihss.payroll.models import Paystub
from ihss.payroll.tests.paid import walker_stub
from ihss.timesheets.rules import workweek_containing
from ihss.training.models import Certificate, ClassSession
from ihss.training.tests.walker import (
    walker_certificate,
    walker_coaching,
    walker_course,
    walker_registration,
    walker_roster,
    walker_self_paced,
)
from ihss.web.navigation import ROLE_HOME
from tests.browser.conftest import PASSWORD, Cast, start_session
from tests.browser.support import (
    DESKTOP,
    PHONE,
    axe_violations,
    horizontal_overflow,
    needs_chromium,
)
from tests.routes import all_routes, arguments

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Named routes (or route prefixes) the walker does not open, and why.
SKIP_PREFIXES = {
    "admin/": "Django's admin: its own templates and sign-in, not the portal's pages",
    "api/v1/": "the JSON API has no pages of ours (its OpenAPI docs are django-ninja's)",
    "passkeys/": "passkey ceremonies are JSON endpoints, driven in test_second_factor_story.py",
}
SKIP_NAMES = {
    "logout": "POST only: signing out is a button in the header, tested on every page",
    "set_language": "POST only: the language selector's target, which redirects back",
    "cases:import-progress": "htmx fragment the import-job page polls; checked inside it",
    "register-account": "needs step 1 in the session: opened by the register-account+matched visit",
    "notifications:message-unread": "POST only: the button on a message's page",
    "accounts:keep-alive": "POST only: the idle warning's button (test_session_warning.py)",
    "password-check": "POST only: the strength meter's check, seen in register-account+meter",
    "notifications:read-all": "POST only: the button under the message list",
    "notifications:mobile-remove": "POST only: the button on the settings page",
    "notifications:outbox-retry": "POST only: the button on a failed outbox message",
    "accounts:second-factor": "asked after the password of an account with a second factor: "
    "opened in test_second_factor_story.py",
    "accounts:recovery-codes": "POST only: its page is seen in test_second_factor_story.py",
    "accounts:factor-remove": "needs an app or passkey: opened in test_second_factor_story.py",
    "timesheets:start": "POST only: the Start button on the timesheet list",
    "timesheets:week-check": "htmx fragment of the week page; its panel is checked inside it",
    "timesheets:submit": "POST only: the Send button (test_timesheet_story.py)",
    "timesheets:reject": "POST only: the Return form on a timesheet (test_timesheet_story.py)",
    "timesheets:county-decide": "POST only: the county's decision form (test_timesheet_story.py)",
    "timesheets:travel-add": "POST only: the travel form on a timesheet (seen in timesheets:detail"
    "+travel-errors)",
    "timesheets:travel-remove": "POST only: the Remove button beside a travel claim",
    "timesheets:sick-leave-approve": "POST only: the Approve button on a sick leave claim",
    "timesheets:sick-leave-reject": "POST only: the form on a sick leave claim that returns it",
    "notifications:unsubscribe-confirm": "answers only the session its emailed link opened: "
    "seen where notifications:unsubscribe lands",
    "payroll:run-progress": "htmx fragment the run's page polls; checked inside it",
    "evv:county-export-progress": "htmx fragment the export's page polls; checked inside it",
    "payroll:run-resume": "POST only: the Resume button on a run that stopped",
    "payroll:run-approve": "POST only: the Approve button on a calculated run",
    "payroll:run-issue": "POST only: the Issue button on an approved run",
    "payroll:run-payment-file": "a download (the NACHA file), fetched in test_run_pages.py",
    "payroll:run-checks": "a download (the check register CSV), fetched in test_run_pages.py",
    "training:register": "POST only: the Register button beside a class on a course's page",
    "training:enroll": "POST only: the Enroll button of a self-paced course",
    "training:cancel": "POST only: the Cancel button on My training",
    "training:switch": "POST only: the Move form on My training",
    "training:claim-confirm": "POST only: the Confirm button of a claim on My training",
    "training:coaching-book": "POST only: the Book button of an offered coaching time",
    "training:coaching-cancel": "POST only: the Cancel button of a coaching request",
    "evv:sync": "POST only (JSON): the phone screen's upload (test_evv_story.py)",
}
# Routes whose address ends in a file name (".csv", ".pdf") are downloads, not pages:
# test_every_download_answers fetches them instead of opening them.
DOWNLOAD = re.compile(r"\.[a-z0-9]{2,4}$")

LANGUAGES = ["en", "es"]
VIEWPORTS = {"1280": DESKTOP, "360": PHONE}
# Languages also opened at the desktop width (the others at the phone's width only).
DESKTOP_LANGUAGES = {"en"}

# Who opens a page whose route matches no rule below: someone holding every role.
EVERYONE = "every_role"
ANONYMOUS = "anonymous"


def skip_reason(route: str, name: str | None) -> str | None:
    for prefix, reason in SKIP_PREFIXES.items():
        if route.startswith(prefix):
            return reason
    return SKIP_NAMES.get(name or "")


def named_routes() -> list[tuple[str, str]]:
    """(route, name) of every named route the walker visits, in URLconf order."""
    return [
        (route, name)
        for route, name, _ in all_routes()
        if name and skip_reason(route, name) is None
    ]


def portal_routes() -> list[tuple[str, str]]:
    """The pages among them: opened in the browser and checked."""
    return [(route, name) for route, name in named_routes() if not DOWNLOAD.search(route)]


def download_routes() -> list[tuple[str, str]]:
    return [(route, name) for route, name in named_routes() if DOWNLOAD.search(route)]


def viewer_for(name: str, route: str) -> str:
    """Who may see the page: a role, EVERYONE (the multi-role chooser) or ANONYMOUS."""
    if name == "login":
        return ANONYMOUS
    if name == "home":
        return EVERYONE  # with several roles, "/" is the chooser rather than a redirect
    for role, home in ROLE_HOME.items():
        if name == home:
            return str(role)
    if route.startswith("cases/"):
        return str(Role.COUNTY_STAFF)
    if route.startswith(("training/mine/", "training/coaching/")):
        return str(Role.PROVIDER)  # a provider's own classes and coaching
    if route.startswith("training/coach/"):
        return str(Role.COACH)  # the coaches' queue
    if route.startswith("training/careers/edit/"):
        return str(Role.STATE_ADMIN)  # the careers page's editor
    if route.startswith("training/provider/"):
        return str(Role.TRAINING_PROVIDER)  # a training provider's classes and rosters
    if route.startswith("training/"):
        return ANONYMOUS  # the Career Pathways catalog is public
    if name in ("evv:phone", "evv:shell"):
        return str(Role.PROVIDER)  # the phone screen, and its offline shell
    if name == "notifications:unsubscribe" or name.startswith(("register", "recover")):
        return ANONYMOUS  # the link in an email, and registration, work without signing in
    if route.startswith(("messages/outbox/", "accounts/service-desk/")):
        return str(Role.SERVICE_DESK)
    if route.startswith("parameters/"):
        return str(Role.STATE_ADMIN)
    if route.startswith("evv/county/"):
        return str(Role.COUNTY_STAFF)  # EVV compliance, visits and exports
    if route.startswith("evv/recipient/"):
        return str(Role.RECIPIENT)  # a recipient's own visits
    return EVERYONE


# How URL arguments are filled from the cast. A primary key is matched to its record by
# the argument's name ("assignment_pk") or else by the route's name or path ("exemption").
RECORD_KEYS: dict[str, Callable[[Cast], Any]] = {
    # EVV's county side: a visit, and the county staff's finished exports (the JSON
    # download needs a JSON export).
    "county-visit": lambda c: walker_visit(c),
    "county-export-json": lambda c: walker_export(c, "altevv"),
    "county-export": lambda c: walker_export(c),
    "desk-email": lambda c: c.waiting.pk,  # only an unconfirmed account's email is corrected
    "desk-factor": lambda c: c.by_role[Role.PROVIDER].pk,
    "factor-request": lambda c: c.factor_request.pk,
    "assignment": lambda c: c.assignment.pk,
    "exemption": lambda c: c.exemption.pk,
    "travel": lambda c: c.travel.pk,
    "import": lambda c: c.import_job.pk,
    "outbox": lambda c: c.delivery.pk,  # before "message": outbox routes live under messages/
    "desk-token": lambda c: c.token.user_id,  # before "desk-account" and "token"
    "desk-account": lambda c: c.by_role[Role.PROVIDER].pk,
    "token": lambda c: c.token.pk,
    "message": lambda c: c.message.pk,
    "violation": lambda c: c.violation.pk,
    "sick-leave": lambda c: c.sick_leave_claim.pk,  # before "timesheet" (timesheets:sick-...)
    "approve": lambda c: c.sent_timesheet.pk,  # before "timesheet": only a sent one is signed
    "timesheet": lambda c: c.timesheet.pk,
    "stub": lambda c: walker_stub(c.provider),  # payroll:stub, payroll:stub-pdf
    "calendar": lambda c: walker_registration(c.provider),  # training:calendar (.ics)
    "certificate": lambda c: walker_certificate(c.provider),  # training:certificate(-pdf)
    "completions": lambda c: walker_self_paced(c.provider),  # training:completions
    "roster": lambda c: walker_roster(c.provider),  # training:roster, training:roster-csv
    # training:class-edit, training:class-cancel: the walker staff's class (it took place:
    # the pages open, and saving is refused)
    "provider/classes": lambda c: walker_roster(c.provider),
    "coach/requests": lambda c: walker_coaching(c.provider),  # training:coach-request
    # training:course-edit, training:class-new: the walker staff's own course
    "provider/courses": lambda c: ClassSession.objects.get(pk=walker_roster(c.provider)).course_id,
    "course": lambda c: walker_course(),  # training:course
    # payroll:run: the issued run of the walker's stub (totals, preview, downloads).
    "runs/": lambda c: Paystub.objects.get(pk=walker_stub(c.provider)).run_id,
}
NAMED_ARGUMENTS: dict[str, Callable[[Cast], Any]] = {
    "case_number": lambda c: c.recipient.case_number,
    "provider_number": lambda c: c.provider.provider_number,
    "layout": lambda c: "recipients",  # the CSV import's file layouts
    "key": lambda c: "multi_recipient_weekly_cap",  # a program parameter
    "token": lambda c: c.unsubscribe_token,  # also an expired registration link
    "uidb64": lambda c: "MQ",
    "week_start": lambda c: workweek_containing(c.timesheet.period_start).start.isoformat(),
    "source": lambda c: "timesheet",  # payroll:timeline, a source of pay and its document
    "document_id": lambda c: c.timesheet.pk,
}


def url_kwargs(name: str, route: str, cast: Cast) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for argument in arguments(route):
        if argument in NAMED_ARGUMENTS:
            kwargs[argument] = NAMED_ARGUMENTS[argument](cast)
            continue
        haystacks = [argument] if argument not in {"pk", "id"} else [name, route]
        record = next((k for k in RECORD_KEYS for h in haystacks if k in h), None)
        if record is None:
            raise AssertionError(
                f"{name} ({route}) takes <{argument}>, which the page walker cannot fill: "
                "teach NAMED_ARGUMENTS or RECORD_KEYS in tests/browser/test_every_page.py"
            )
        kwargs[argument] = RECORD_KEYS[record](cast)
    return kwargs


@dataclass(frozen=True)
class Visit:
    """How to open one page: who, where, what status, and an optional step on the page."""

    viewer: str
    path: str
    status: int = 200
    then: Callable[[Any], None] | None = None
    lands: str | None = None  # where the step ends, when it moves on from `path`


def _submit_the_form_as_it_is(page: Any) -> None:
    """Send the page's form untouched, to see its error messages."""
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").first.click()
    page.locator(".usa-error-message, #form-errors").first.wait_for()


def _pause_sign_in(page: Any) -> None:
    """Fail the sign-in five times, to see the "sign-in is paused" page."""
    for _ in range(5):
        page.locator("#id_username").fill("as.provider")
        page.locator("#id_password").fill("not the right password at all")
        with page.expect_navigation():
            page.locator("main form[method=post] button[type=submit]").first.click()
    page.get_by_role("heading", name=re.compile("paused|pausa")).wait_for()


def _type_a_guessable_password(page: Any) -> None:
    """Type a password the rules refuse, to see the strength meter say why."""
    page.locator("#id_password").press_sequentially("sunshine12345678", delay=5)
    page.locator("#id_password_strength li").wait_for()


def _match_identity(recipient: Any) -> Callable[[Any], None]:
    """Fill registration step 1 with a recipient's details, to reach step 2."""

    def fill(page: Any) -> None:
        page.locator("label[for=id_kind_1]").click()  # USWDS hides the input itself
        page.locator("#id_number").fill(recipient.case_number)
        page.locator("#id_last_name").fill(recipient.last_name)
        page.locator("#id_date_of_birth").fill(recipient.date_of_birth.isoformat())
        page.locator("#id_ssn_last4").fill(recipient.ssn_last4)
        with page.expect_navigation():
            page.locator("main form[method=post] button[type=submit]").first.click()

    return fill


def _make_a_token(page: Any) -> None:
    """Fill the new-token form, to see the page that shows the token once."""
    page.locator("#id_name").fill("Walker")
    page.locator("label[for=id_scopes_0]").click()  # USWDS hides the input itself
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").first.click()
    page.locator("#token-text").wait_for()


def _submit_the_travel_form_empty(page: Any) -> None:
    """Send the travel form of a timesheet untouched, to see its error messages."""
    with page.expect_navigation():
        page.locator("#travel-form button[type=submit]").click()
    page.locator("#form-errors").wait_for()


def _clear_and_save(page: Any) -> None:
    """Empty the first text of a form and save it, to see its error messages."""
    page.locator("main form textarea").first.fill("")
    _submit_the_form_as_it_is(page)


def _open_the_menu(page: Any) -> None:
    page.get_by_role("button", name=re.compile("^(Menu|Menú)$")).click()
    page.locator(".usa-nav.is-visible").wait_for()
    # The menu slides in from the right; check it where it comes to rest.
    page.wait_for_function(
        "() => document.querySelector('.usa-nav').getBoundingClientRect().right"
        " <= window.innerWidth"
    )


# Pages that are not routes of their own, or a route in another state worth checking.
SPECIAL_PAGES: dict[str, Callable[[Cast], Visit]] = {
    # EVV's county pages with a visit in them (and Rosa among the recipients to locate).
    "evv:county-compliance+visit": lambda c: (
        walker_visit(c),
        Visit(str(Role.COUNTY_STAFF), reverse("evv:county-compliance")),
    )[1],
    "evv:county-visits+visit": lambda c: (
        walker_visit(c),
        Visit(str(Role.COUNTY_STAFF), reverse("evv:county-visits") + "?period=week"),
    )[1],
    "evv:recipient-visits+visit": lambda c: (
        walker_visit(c),
        Visit(str(Role.RECIPIENT), reverse("evv:recipient-visits")),
    )[1],
    "403": lambda c: Visit(str(Role.PROVIDER), reverse("state-home"), 403),
    "404": lambda c: Visit(str(Role.COUNTY_STAFF), "/no-such-page/", 404),
    # Forms showing their error messages (the summary at the top and each field's).
    "login+errors": lambda c: Visit(ANONYMOUS, reverse("login"), then=_submit_the_form_as_it_is),
    "login+paused": lambda c: Visit(ANONYMOUS, reverse("login"), then=_pause_sign_in),
    "recover-password+errors": lambda c: Visit(
        ANONYMOUS, reverse("recover-password"), then=_submit_the_form_as_it_is
    ),
    "register+errors": lambda c: Visit(
        ANONYMOUS, reverse("register"), then=_submit_the_form_as_it_is
    ),
    "register-account+matched": lambda c: Visit(
        ANONYMOUS,
        reverse("register"),
        then=_match_identity(c.other_recipient),
        lands=reverse("register-account"),
    ),
    "register-account+meter": lambda c: Visit(
        ANONYMOUS,
        reverse("register"),
        then=lambda page: (
            _match_identity(c.other_recipient)(page),
            _type_a_guessable_password(page),
        ),
        lands=reverse("register-account"),
    ),
    "cases:recipient-create+errors": lambda c: Visit(
        str(Role.COUNTY_STAFF), reverse("cases:recipient-create"), then=_submit_the_form_as_it_is
    ),
    "cases:recipient-hours+errors": lambda c: Visit(
        str(Role.COUNTY_STAFF),
        reverse("cases:recipient-hours", args=[c.recipient.case_number]),
        then=_submit_the_form_as_it_is,
    ),
    "cases:recipient-list+search": lambda c: Visit(
        str(Role.COUNTY_STAFF), reverse("cases:recipient-list") + "?q=Delgado"
    ),
    "notifications:settings+errors": lambda c: Visit(
        EVERYONE, reverse("notifications:mobile-add"), then=_submit_the_form_as_it_is
    ),
    "accounts:token-create+errors": lambda c: Visit(
        EVERYONE, reverse("accounts:token-create"), then=_submit_the_form_as_it_is
    ),
    "accounts:token-create+made": lambda c: Visit(
        EVERYONE, reverse("accounts:token-create"), then=_make_a_token
    ),
    "accounts:desk-token-revoke+errors": lambda c: Visit(
        str(Role.SERVICE_DESK),
        reverse("accounts:desk-token-revoke", args=[c.token.user_id, c.token.pk]),
        then=_submit_the_form_as_it_is,
    ),
    "accounts:desk-factor-reset+errors": lambda c: Visit(
        str(Role.SERVICE_DESK),
        reverse("accounts:desk-factor-reset", args=[c.by_role[Role.PROVIDER].pk]),
        then=_submit_the_form_as_it_is,
    ),
    "accounts:desk-factor-reset+staff": lambda c: Visit(
        str(Role.SERVICE_DESK), reverse("accounts:desk-factor-reset", args=[c.county_staff.pk])
    ),
    "accounts:desk-factor-reset+state": lambda c: Visit(
        str(Role.STATE_ADMIN), reverse("accounts:desk-factor-reset", args=[c.county_staff.pk])
    ),
    "accounts:factor-request+errors": lambda c: Visit(
        EVERYONE,
        reverse("accounts:factor-request", args=[c.factor_request.pk]),
        then=_submit_the_form_as_it_is,
    ),
    "accounts:confirm+errors": lambda c: Visit(
        EVERYONE, reverse("accounts:confirm"), then=_submit_the_form_as_it_is
    ),
    "accounts:password-change+errors": lambda c: Visit(
        EVERYONE, reverse("accounts:password-change"), then=_submit_the_form_as_it_is
    ),
    "accounts:desk-search+found": lambda c: Visit(
        str(Role.SERVICE_DESK), reverse("accounts:desk-search") + "?q=as.provider"
    ),
    "notifications:outbox+filtered": lambda c: Visit(
        str(Role.SERVICE_DESK), reverse("notifications:outbox") + "?status=failed"
    ),
    "timesheets:detail+travel-errors": lambda c: Visit(
        EVERYONE,
        reverse("timesheets:detail", args=[c.timesheet.pk]),
        then=_submit_the_travel_form_empty,
        lands=reverse("timesheets:travel-add", args=[c.timesheet.pk]),
    ),
    "parameters:schedule+errors": lambda c: Visit(
        str(Role.STATE_ADMIN),
        reverse("parameters:schedule", args=["first_half_exception_share"]),
        then=_submit_the_form_as_it_is,
    ),
    "timesheets:sick-leave+errors": lambda c: Visit(
        EVERYONE, reverse("timesheets:sick-leave"), then=_submit_the_form_as_it_is
    ),
    # The catalog with a course found, and with filters it cannot take.
    "training:catalog+found": lambda c: (
        walker_course(),
        Visit(ANONYMOUS, reverse("training:catalog") + "?category=2&language=es"),
    )[1],
    "training:mine+class": lambda c: (
        walker_registration(c.provider),
        Visit(str(Role.PROVIDER), reverse("training:mine")),
    )[1],
    "training:course+signed-in": lambda c: (
        walker_course(),
        Visit(str(Role.PROVIDER), reverse("training:course", args=[walker_course()])),
    )[1],
    "training:roster+errors": lambda c: Visit(
        str(Role.TRAINING_PROVIDER),
        reverse("training:roster", args=[walker_roster(c.provider)]),
        then=_submit_the_form_as_it_is,
    ),
    "training:coaching+errors": lambda c: Visit(
        str(Role.PROVIDER), reverse("training:coaching"), then=_submit_the_form_as_it_is
    ),
    "training:coaching+offered": lambda c: (
        walker_coaching(c.provider, offered=True),
        Visit(str(Role.PROVIDER), reverse("training:coaching")),
    )[1],
    "training:verify+found": lambda c: Visit(
        ANONYMOUS,
        reverse("training:verify")
        + "?code="
        + Certificate.objects.get(attendance__registration_id=walker_certificate(c.provider)).code,
    ),
    "training:verify+unknown": lambda c: Visit(ANONYMOUS, reverse("training:verify") + "?code=x"),
    "training:course-new+errors": lambda c: Visit(
        str(Role.TRAINING_PROVIDER), reverse("training:course-new"), then=_submit_the_form_as_it_is
    ),
    "training:careers-edit+errors": lambda c: Visit(
        str(Role.STATE_ADMIN), reverse("training:careers-edit"), then=_clear_and_save
    ),
    "training:catalog+errors": lambda c: Visit(
        ANONYMOUS,
        reverse("training:catalog") + "?starts_from=2027-05-10&starts_until=2027-05-01",
    ),
    # The phone menu: the navigation and the language selector, hidden until opened.
    "county-home+menu": lambda c: Visit(
        str(Role.COUNTY_STAFF), reverse("county-home"), then=_open_the_menu
    ),
}
PHONE_ONLY = {"county-home+menu"}


def plan(page_name: str, cast: Cast) -> Visit:
    if page_name in SPECIAL_PAGES:
        return SPECIAL_PAGES[page_name](cast)
    route = dict((n, r) for r, n in named_routes())[page_name]
    path = reverse(page_name, kwargs=url_kwargs(page_name, route, cast))
    return Visit(viewer_for(page_name, route), path, lands=LANDS.get(page_name))


# Pages that move on at once to another address (a token out of the address bar).
LANDS = {"notifications:unsubscribe": "/messages/unsubscribe/"}


PAGE_NAMES = [name for _, name in portal_routes()] + list(SPECIAL_PAGES)
DOWNLOAD_NAMES = [name for _, name in download_routes()]


def test_the_walker_knows_every_route():
    """Every skip entry still names a route, and every page's arguments can be filled."""
    names = {name for _, name, _ in all_routes() if name}
    assert set(SKIP_NAMES) <= names, f"stale SKIP_NAMES: {set(SKIP_NAMES) - names}"
    unfillable = []
    for route, name in named_routes():
        for argument in arguments(route):
            haystacks = [argument] if argument not in {"pk", "id"} else [name, route]
            known = argument in NAMED_ARGUMENTS or any(
                k in h for k in RECORD_KEYS for h in haystacks
            )
            if not known:
                unfillable.append(f"{name} <{argument}>")
    assert unfillable == [], "teach the walker these URL arguments: " + ", ".join(unfillable)
    assert len(PAGE_NAMES) > 10


@pytest.mark.parametrize(
    ("page_name", "language", "width"),
    [
        pytest.param(p, lang, w, id=f"{p}-{lang}-{w}px")
        for p in PAGE_NAMES
        for lang in LANGUAGES
        for w in VIEWPORTS
        if VIEWPORTS[w] is PHONE or (lang in DESKTOP_LANGUAGES and p not in PHONE_ONLY)
    ],
)
def test_page_is_accessible(reused_page, cast, page_name, language, width):
    visit = plan(page_name, cast)
    opened = reused_page(viewport=VIEWPORTS[width], language=language)
    page = opened.page
    if visit.viewer != ANONYMOUS:
        user = cast.every_role if visit.viewer == EVERYONE else cast.by_role[visit.viewer]
        start_session(opened, user)

    response = page.goto(visit.path)
    if visit.then:
        visit.then(page)

    where = f"{page_name} ({visit.path}) in {language} at {width}px"
    assert response is not None
    assert response.status == visit.status, f"{where} answered {response.status}"
    address = urlsplit(page.url)
    landed = address.path + (f"?{address.query}" if address.query else "")
    expected = visit.lands or visit.path
    assert landed == expected, f"{where} was not visited: it went to {landed}"
    assert page.locator("html").get_attribute("lang") == language, f"{where}: wrong language"

    problems = []
    violations = axe_violations(page)
    if violations:
        problems.append(f"{len(violations)} axe violation(s):\n" + "\n".join(violations))
    if opened.csp_violations:
        problems.append("CSP violations:\n" + "\n".join(opened.csp_violations))
    if opened.script_errors:
        problems.append("script errors:\n" + "\n".join(opened.script_errors))
    if VIEWPORTS[width] is PHONE:
        overflow = horizontal_overflow(page, PHONE["width"])
        if overflow:
            problems.append(f"scrolls sideways: {overflow}")
    assert not problems, f"{where}:\n" + "\n\n".join(problems)


@pytest.mark.parametrize("download_name", DOWNLOAD_NAMES)
def test_every_download_answers(new_page, cast, download_name):
    """A download route answers 200 with a file (not a page) to someone allowed to see it."""
    visit = plan(download_name, cast)
    opened = new_page()
    user = cast.every_role if visit.viewer == EVERYONE else cast.by_role[visit.viewer]
    start_session(opened, user)
    response = opened.page.context.request.get(opened.base_url + visit.path, max_redirects=0)
    where = f"{download_name} ({visit.path})"
    assert response.status == 200, f"{where} answered {response.status}"
    assert "text/html" not in response.headers.get("content-type", ""), f"{where} is a page"
    assert response.body(), f"{where} is empty"
