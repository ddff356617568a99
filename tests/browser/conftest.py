"""Fixtures for the browser tests: one Chromium for the session, one context per test.

The portal runs in pytest-django's live_server (a real HTTP server in a thread, sharing
the test database). Each test gets a fresh browser context (its own cookies) at the
viewport and language it asks for, and a small cast of records and people to sign in as.
The page walker, which opens one page per test, reuses one emptied tab (reused_page).

Run: IHSS_CHROMIUM=/usr/bin/chromium .venv/bin/python -m pytest -q tests/browser
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test import Client, testcases
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from ihss import test as cast_builders
from ihss.accounts import services as account_services
from ihss.accounts.models import (
    Membership,
    PersonalAccessToken,
    Role,
    SecondFactorResetRequest,
    User,
)
from ihss.cases.models import (
    Assignment,
    ImportJob,
    OvertimeExemption,
    Provider,
    Recipient,
    TravelAgreement,
)
from ihss.notifications import services
from ihss.notifications.events import SPECS, Event
from ihss.notifications.models import Delivery, MobileVerification, Notification
from ihss.notifications.services import notify
from ihss.timesheets.models import (
    DayEntry,
    Location,
    SickLeaveClaim,
    Timesheet,
    TravelEntry,
    Violation,
)
from ihss.timesheets.rules import pay_period_containing
from tests.browser.support import CHROMIUM_ARGS, DESKTOP, chromium_path, chromium_skip_reason

PASSWORD = cast_builders.PASSWORD


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server, answering one request at a time (each connection still has its
    thread, so a browser's kept-alive connections never block each other).

    With SQLite in memory, the server's threads share the test's one database connection,
    which is not safe to use from two threads at once: two tabs of the EVV phone sending
    together made "cannot start a transaction within a transaction". A real server gives
    each request its own connection; here, requests take turns. The whole answer is
    produced inside the turn, a streamed download included, then sent."""

    def set_app(self, application):
        lock = threading.Lock()

        def in_turn(environ, start_response):
            with lock:
                result = application(environ, start_response)
                try:
                    body = list(result)
                finally:
                    close = getattr(result, "close", None)
                    if close is not None:
                        close()
            return body

        super().set_app(in_turn)


testcases.LiveServerThread.server_class = OneRequestAtATime


@pytest.fixture(scope="module", autouse=True)
def _empty_database_for_serialized_rollback(django_db_setup, django_db_blocker) -> None:
    """Start each module from an empty database, so serialized_rollback can restore it.

    The browser tests are transactional and restore the migrated data (counties, program
    parameters) with serialized_rollback. A transactional test elsewhere that does not
    ask for it leaves, after its flush, content types and permissions re-created under
    new ids, and the restore then collides with them.
    """
    with django_db_blocker.unblock():
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Debian's Chromium, launched once for all the browser tests (they are all here)."""
    path = chromium_path()
    if path is None:
        pytest.skip(chromium_skip_reason())
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio event loop running in this thread, and Django
    # refuses ORM calls from a thread with a running loop unless told it is safe. It is
    # here: nothing runs on that loop but Playwright. Set only while the browser runs (not
    # at import), because the variable leaks into every subprocess the other tests start,
    # and `manage.py check --deploy` rightly fails on it (async.E001).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    # Django keeps database connections in a thread-critical asgiref Local, whose storage
    # switches to a context variable while an event loop runs in the thread, and Playwright's
    # sync API keeps one running from here on. Without this, the test code would get fresh
    # connection objects: the same in-memory database, but without the serialized contents
    # that serialized_rollback restores (and a different object from the live server's).
    existing = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in existing.items():
            connections[alias] = connection
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class OpenedPage:
    """A page in its own browser context, with what the browser complained about."""

    page: Any
    base_url: str
    csp_violations: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)


def _opened(page: Any, base_url: str) -> OpenedPage:
    """`page`, listened to for what the browser complains about (CSP, script errors)."""
    opened = OpenedPage(page=page, base_url=base_url)

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            opened.csp_violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: opened.script_errors.append(f"{page.url}: {error}"))
    return opened


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., OpenedPage]]:
    """new_page(viewport=DESKTOP, language="en") -> OpenedPage in a fresh context.

    The language is chosen the way the portal remembers it, with the language cookie
    (settings.LANGUAGE_COOKIE_NAME) that the language selector sets.
    """
    contexts: list[Any] = []

    def open_page(viewport: dict[str, int] = DESKTOP, language: str = "en") -> OpenedPage:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            locale="en-US",
            service_workers="block",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        return _opened(context.new_page(), live_server.url)

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="package")
def _walker_tab(browser, live_server) -> Iterator[OpenedPage]:
    """One tab kept for the page walker's visits (see reused_page)."""
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, locale="en-US", service_workers="block"
    )
    context.set_default_timeout(10_000)
    tab = _opened(context.new_page(), live_server.url)
    yield tab
    context.close()


@pytest.fixture
def reused_page(_walker_tab, live_server) -> Iterator[Callable[..., OpenedPage]]:
    """Like new_page, for a test that opens one page: the same tab each time, emptied.

    A fresh context per visit costs Chromium a new renderer process (and a window's own),
    most of a visit's time and the page walker's ~450 visits; the walker's pages need
    nothing a fresh context gives that emptying the tab does not. After each test the
    tab leaves the portal and loses its cookies, storage (the EVV phone's IndexedDB
    included) and what the visit said; only the HTTP cache of static files stays.
    """
    tab = _walker_tab

    def open_page(viewport: dict[str, int] = DESKTOP, language: str = "en") -> OpenedPage:
        tab.csp_violations.clear()
        tab.script_errors.clear()
        tab.page.set_viewport_size(viewport)
        tab.page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        return tab

    yield open_page
    page = tab.page
    if page.url.startswith(live_server.url):
        # A failed test may leave the page mid-navigation.
        with contextlib.suppress(PlaywrightError):
            page.evaluate("() => { try { sessionStorage.clear(); } catch (e) {} }")
    page.goto("about:blank")
    page.context.clear_cookies()
    devtools = page.context.new_cdp_session(page)
    devtools.send(
        "Storage.clearDataForOrigin",
        {
            "origin": live_server.url,
            "storageTypes": "indexeddb,local_storage,cache_storage,service_workers",
        },
    )
    devtools.detach()


def start_session(opened: OpenedPage, user: User) -> None:
    """Give the page's context a signed-in session for `user`, without the sign-in form.

    The page walker opens well over a hundred pages; going through the form each time
    would double its run time. The form itself is exercised by support.sign_in in the
    end-to-end tests and by the sign-in page's own visits.
    """
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    opened.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": opened.base_url}]
    )


@dataclass
class Cast:
    """The records and people every page of the portal can be shown with."""

    recipient: Recipient
    other_recipient: Recipient
    provider: Provider
    assignment: Assignment
    exemption: OvertimeExemption
    travel: TravelAgreement
    import_job: ImportJob
    county_staff: User
    every_role: User
    by_role: dict[str, User]
    message: Notification
    delivery: Delivery
    unsubscribe_token: str
    token: PersonalAccessToken
    waiting: User  # registered, email not confirmed yet
    timesheet: Timesheet  # Ana's for Harold, last pay period, being filled in
    sent_timesheet: Timesheet  # Ana's for Rosa, last pay period, waiting for Rosa
    violation: Violation  # Ana's second, with the training offered
    sick_leave_claim: SickLeaveClaim  # Ana's, for Rosa's care, waiting for Rosa
    factor_request: SecondFactorResetRequest  # the desk asks to remove Lupe's second factor


@pytest.fixture
def cast(live_server) -> Cast:
    """Two Los Angeles recipients (Rosa Delgado has 120 h a month of IHSS), a provider
    assigned to both with an exemption and a travel agreement between them, one person
    per role (county staff: Lupe Ortiz, with a failed CSV import), plus one who holds
    every role (with an API token); timesheets with travel, and a sick leave claim."""
    rosa = cast_builders.make_recipient(
        county_code="19", first_name="Rosa", last_name="Delgado", case_number="1900001"
    )
    harold = cast_builders.make_recipient(
        county_code="19", first_name="Harold", last_name="Kim", case_number="1900002"
    )
    cast_builders.authorize(rosa, 120 * 60)
    cast_builders.authorize(harold, 80 * 60)
    ana = cast_builders.make_provider(
        county_code="19",
        first_name="Ana",
        last_name="Reyes",
        provider_number="190000001",
        # She worked before the portal, up to a month ago: her sick leave is usable and
        # its form offered.
        worked_to_date_minutes=1200 * 60,
        worked_to_date_through=timezone.localdate() - dt.timedelta(days=30),
        sick_leave_earned_on=dt.date(2024, 5, 20),
        sick_leave_usable_on=dt.date(2024, 7, 19),
    )
    assignment = cast_builders.assign(ana, rosa, 100 * 60)
    cast_builders.assign(ana, harold, 40 * 60)
    exemption = OvertimeExemption.objects.create(
        provider=ana,
        kind=OvertimeExemption.Kind.EXTRAORDINARY,
        circumstance=OvertimeExemption.Circumstance.COMPLEX_NEEDS,
        approved_on=dt.date(2025, 1, 2),
        effective_from=dt.date(2025, 1, 1),
    )
    travel = TravelAgreement.objects.create(
        provider=ana,
        from_recipient=rosa,
        to_recipient=harold,
        weekly_minutes=90,
        signed_on=dt.date(2025, 1, 2),
        effective_from=dt.date(2025, 1, 1),
    )
    la = cast_builders.county("19")
    scopes: dict[str, dict[str, Any]] = {
        Role.PROVIDER: {"provider": ana},
        Role.RECIPIENT: {"recipient": rosa},
        Role.COUNTY_STAFF: {"county": la},
        Role.TRAINING_PROVIDER: {"organization": "Golden State Care Academy"},
        Role.COACH: {"organization": "Caregiver Coaching Network"},
        Role.SERVICE_DESK: {},
        Role.STATE_ADMIN: {},
    }
    by_role = {
        role: cast_builders.make_user(f"as.{role}", role, **scope) for role, scope in scopes.items()
    }
    county_staff = by_role[Role.COUNTY_STAFF]
    county_staff.first_name, county_staff.last_name = "Lupe", "Ortiz"
    county_staff.save(update_fields=["first_name", "last_name"])
    import_job = ImportJob.objects.create(
        created_by=county_staff,
        file_names=["recipients.csv"],
        status=ImportJob.Status.FAILED,
        total_rows=2,
        processed_rows=2,
        error_count=1,
        errors=[
            {
                "file": "recipients.csv",
                "row": 2,
                "column": "case_number",
                "message": "A case number is exactly 7 digits, for example 1234567.",
            }
        ],
    )
    every_role = cast_builders.make_user("every.role")
    Membership.objects.bulk_create(
        Membership(user=every_role, role=role, **scope) for role, scope in scopes.items()
    )
    # A message in their message center (sent by email, so the outbox has a row), a
    # failed one, and a mobile number waiting for its code.
    message = notify(
        user=every_role,
        event=Event.PAYMENT_ISSUED,
        context=SPECS[Event.PAYMENT_ISSUED].sample,
        key="browser",
        link="/provider/",
    )
    failed = notify(
        user=every_role,
        event=Event.CLASS_REMINDER,
        context=SPECS[Event.CLASS_REMINDER].sample,
        key="browser",
    )
    Delivery.objects.filter(notification=failed).update(
        status=Delivery.Status.FAILED, attempts=6, last_error="SMTP 451: try again later"
    )
    now = timezone.now()
    MobileVerification.objects.create(
        user=every_role,
        mobile_number="+15305550123",
        code_hash="not-a-real-code",
        created_at=now,
        expires_at=now + dt.timedelta(hours=2),
    )
    # API tokens: one of the person with every role (their token pages), one of the
    # provider (the Service Desk's account page lists it).
    token = account_services.create_token(
        user=every_role,
        name="County payroll export",
        scopes=["cases:read", "messages:read"],
        days=90,
    ).token
    account_services.create_token(
        user=by_role[Role.PROVIDER], name="Home laptop", scopes=["messages:read"], days=30
    )
    waiting = cast_builders.make_user("waiting.person")
    User.objects.filter(pk=waiting.pk).update(is_active=False)
    # Timesheets of the last pay period (every day of it has passed): one for Harold being
    # filled in, one sent to Rosa (the person with every role reviews it as her recipient).
    # Harold keeps no sign-in: the registration pages register him.
    period = pay_period_containing(
        pay_period_containing(timezone.localdate()).start - dt.timedelta(days=1)
    )
    draft, sent = (
        Timesheet.objects.create(
            provider=ana,
            recipient=who,
            program="IHSS",
            period_start=period.start,
            period_end=period.end,
            status=status,
        )
        for who, status in ((harold, Timesheet.Status.DRAFT), (rosa, Timesheet.Status.SUBMITTED))
    )
    for sheet in (draft, sent):
        DayEntry.objects.create(
            timesheet=sheet,
            day=period.start,
            minutes=4 * 60 + 30,
            start=dt.time(8, 0),
            end=dt.time(12, 30),
            location=Location.HOME,
        )
    # Travel: the agreement from Rosa to Harold makes Harold's timesheet offer the travel
    # form; one back from Harold to Rosa covers the travel claimed on the one sent to Rosa.
    TravelAgreement.objects.create(
        provider=ana,
        from_recipient=harold,
        to_recipient=rosa,
        weekly_minutes=90,
        signed_on=dt.date(2025, 1, 2),
        effective_from=dt.date(2025, 1, 1),
    )
    TravelEntry.objects.create(timesheet=sent, day=period.start, from_recipient=harold, minutes=45)
    # A paid sick leave claim of Ana's, for Rosa's care, waiting for Rosa.
    sick_leave_claim = SickLeaveClaim.objects.create(
        provider=ana, recipient=rosa, program="IHSS", day=period.start, minutes=90
    )
    return Cast(
        recipient=rosa,
        other_recipient=harold,
        provider=ana,
        assignment=assignment,
        exemption=exemption,
        travel=travel,
        import_job=import_job,
        county_staff=county_staff,
        every_role=every_role,
        by_role=by_role,
        message=message,
        delivery=failed.deliveries.get(),
        unsubscribe_token=services.unsubscribe_path(every_role.pk, Event.CLASS_REMINDER).split("/")[
            -2
        ],
        token=token,
        waiting=waiting,
        timesheet=draft,
        sent_timesheet=sent,
        violation=Violation.objects.create(
            provider=ana,
            week_start=period.start - dt.timedelta(days=(period.start.weekday() + 1) % 7),
            codes=["over_66_hours"],
            noticed_on=period.end,
            counted=True,
            number=2,
            consequence="notice_with_training",
            dispute_by=period.end + dt.timedelta(days=10),
            training_due=period.end + dt.timedelta(days=14),
        ),
        sick_leave_claim=sick_leave_claim,
        factor_request=SecondFactorResetRequest.objects.create(
            account=county_staff,
            requested_by=by_role[Role.SERVICE_DESK],
            statement="Called back the number in the county directory.",
        ),
    )
