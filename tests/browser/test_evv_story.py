"""Checking in and out on a phone, in Chromium, with its location and its network emulated.

A provider checks in at Home with the network off: the punch waits on the phone
(encrypted) and is sent, once, when the network returns. Refused location permission and
a position far from the recipient's home are recorded, never blocked; Community never
asks for the position at all; a live-in provider is told they do not check in. The same
upload from two tabs makes one visit. The app installs (manifest, service worker) and its
shell opens with the network off. Every state passes axe at 360 px, in English and Spanish.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from ihss import test as cast
from ihss.evv.models import Punch, Visit
from ihss.evv.tests.factories import HOME, worker_and_recipient
from tests.browser.conftest import OpenedPage, start_session
from tests.browser.support import PHONE, axe_violations, horizontal_overflow, needs_chromium

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEAR = {"latitude": float(HOME[0]) + 0.0002, "longitude": float(HOME[1]), "accuracy": 15}
# About 50 km north of the recipient's home: out of any tolerance.
FAR = {"latitude": float(HOME[0]) + 0.45, "longitude": float(HOME[1]), "accuracy": 15}

# Counts the page's calls of the geolocation API (installed before any script of the page).
COUNT_LOCATION_CALLS = """
(() => {
  window.__locationCalls = 0;
  const geo = navigator.geolocation;
  const ask = geo.getCurrentPosition.bind(geo);
  const watch = geo.watchPosition.bind(geo);
  geo.getCurrentPosition = (...args) => { window.__locationCalls += 1; return ask(...args); };
  geo.watchPosition = (...args) => { window.__locationCalls += 1; return watch(...args); };
})();
"""


@pytest.fixture
def phone(browser, live_server) -> Iterator[Callable[..., OpenedPage]]:
    """phone(user, located=NEAR, allow_location=True, workers=False, language="en")

    A 360 px phone in Los Angeles time, signed in as `user`, on /evv/ with its script ready.
    """
    contexts: list[Any] = []

    def open_phone(
        user: Any,
        *,
        located: dict[str, float] | None = NEAR,
        allow_location: bool = True,
        workers: bool = False,
        language: str = "en",
        count_location_calls: bool = False,
    ) -> OpenedPage:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=PHONE,
            locale="en-US",
            timezone_id=settings.TIME_ZONE,
            service_workers="allow" if workers else "block",
            permissions=["geolocation"] if allow_location else [],
            geolocation=located,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        if count_location_calls:
            context.add_init_script(COUNT_LOCATION_CALLS)
        opened = OpenedPage(page=context.new_page(), base_url=live_server.url)
        watch(opened, opened.page)
        start_session(opened, user)
        open_screen(opened.page)
        return opened

    yield open_phone
    for context in contexts:
        context.close()


def watch(opened: OpenedPage, page: Any) -> None:
    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            opened.csp_violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: opened.script_errors.append(f"{page.url}: {error}"))


def open_screen(page: Any) -> None:
    page.goto("/evv/")
    page.wait_for_selector("#evv-app[data-ready=true]", state="attached")


def tap(page: Any, name: str) -> None:
    """Tap a radio tile (USWDS hides the input itself) or a button, by its visible name."""
    label = page.locator("label.usa-radio__label", has_text=re.compile(f"^{re.escape(name)}"))
    if label.count():
        label.first.click()
    else:
        page.get_by_role("button", name=name, exact=True).click()


def status(page: Any) -> Any:
    return page.locator("#evv-status")


def waiting_list(page: Any) -> Any:
    return page.locator("#evv-waiting-list")


def clean(opened: OpenedPage) -> None:
    assert opened.csp_violations == []
    assert opened.script_errors == []


def accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)
    assert horizontal_overflow(page, PHONE["width"]) is None


def stored_records(page: Any) -> list[dict[str, Any]]:
    """The raw rows of the phone's store, as IndexedDB keeps them on disk."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open("ihss-evv");
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const rows = open.result.transaction("punches").objectStore("punches").getAll();
                rows.onsuccess = () => resolve(rows.result.map((row) => ({
                    id: row.id,
                    keys: Object.keys(row.sealed),
                    encrypted: row.sealed.box instanceof ArrayBuffer,
                    text: JSON.stringify(row),
                })));
            };
        })"""
    )


def test_a_check_in_at_home_offline_is_sent_once_when_the_network_returns(phone):
    provider, recipient, user, _a = worker_and_recipient()
    opened = phone(user)
    page = opened.page
    accessible(page)

    page.context.set_offline(True)
    tap(page, "Home")
    tap(page, "Check in")

    expect(status(page)).to_contain_text("No connection: kept on this phone.")
    expect(waiting_list(page)).to_contain_text("Check in · Home · Rosa Delgado")
    expect(waiting_list(page)).to_contain_text("Waiting to be sent")
    assert Punch.objects.count() == 0
    # On the phone, the punch is encrypted: no name, no place, no coordinates in clear.
    (record,) = stored_records(page)
    assert record["encrypted"] and record["keys"] == ["iv", "box"]
    assert "Rosa" not in record["text"] and "home" not in record["text"]
    accessible(page)

    page.context.set_offline(False)  # the browser says "online": the page sends

    expect(status(page)).to_contain_text("Check-in recorded.")
    expect(page.locator("#evv-waiting-empty")).to_be_visible()
    expect(waiting_list(page)).to_be_empty()
    expect(page.locator("#evv-today-list")).to_contain_text("not checked out yet")
    punch = Punch.objects.get()
    assert (punch.position, punch.range, punch.place) == ("fix", "in", "home")
    assert punch.accuracy_m == 15 and punch.latitude is not None
    visit = Visit.objects.get()
    assert visit.check_in_id == punch.pk and visit.recipient_id == recipient.pk
    assert "no_location" not in visit.flags

    page.reload()  # opened again: nothing is sent twice
    page.wait_for_selector("#evv-app[data-ready=true]", state="attached")
    tap(page, "Home")
    tap(page, "Check out")
    expect(status(page)).to_contain_text("Check-out recorded.")
    visit.refresh_from_db()
    assert (Punch.objects.count(), Visit.objects.count()) == (2, 1)
    assert visit.check_out is not None and visit.ended_at is not None
    expect(page.locator("#evv-today-list")).not_to_contain_text("not checked out yet")
    clean(opened)


def test_a_refused_location_still_records_the_visit_marked_no_location(phone):
    _p, _r, user, _a = worker_and_recipient()
    opened = phone(user, located=None, allow_location=False)
    page = opened.page
    tap(page, "Home")
    tap(page, "Check in")
    expect(status(page)).to_contain_text("Check-in recorded.")
    punch = Punch.objects.get()
    assert (punch.position, punch.latitude) == ("denied", None)
    assert "no_location" in Visit.objects.get().flags
    clean(opened)


def test_a_position_far_from_home_is_recorded_and_flagged_never_refused(phone):
    _p, _r, user, _a = worker_and_recipient()
    opened = phone(user, located=FAR)
    page = opened.page
    tap(page, "Home")
    tap(page, "Check in")
    expect(status(page)).to_contain_text("Check-in recorded.")
    punch = Punch.objects.get()
    assert punch.range == "out" and punch.distance_m is not None and punch.distance_m > 40_000
    assert "out_of_range" in Visit.objects.get().flags
    clean(opened)


def test_community_never_asks_for_the_location(phone):
    _p, _r, user, _a = worker_and_recipient()
    opened = phone(user, count_location_calls=True)
    page = opened.page
    tap(page, "Community")
    tap(page, "Check in")
    expect(status(page)).to_contain_text("Check-in recorded.")
    assert page.evaluate("() => window.__locationCalls") == 0
    punch = Punch.objects.get()
    assert (punch.position, punch.latitude, punch.place) == ("not_asked", None, "community")

    # The counter counts: a Home check-out asks once, at that moment.
    tap(page, "Home")
    tap(page, "Check out")
    expect(status(page)).to_contain_text("Check-out recorded.")
    assert page.evaluate("() => window.__locationCalls") == 1
    assert Visit.objects.count() == 1
    clean(opened)


def test_a_live_in_provider_is_told_they_are_exempt_and_has_no_buttons(phone):
    _p, _r, user, _a = worker_and_recipient(live_in=True)
    opened = phone(user, count_location_calls=True)
    page = opened.page
    expect(page.locator("main")).to_contain_text(
        "You are a live-in provider for Rosa Delgado: you do not check in or out for them."
    )
    expect(page.get_by_role("button", name="Check in", exact=True)).to_have_count(0)
    assert page.evaluate("() => window.__locationCalls") == 0
    accessible(page)
    clean(opened)


def test_a_refused_punch_stays_with_its_reason_until_dismissed(phone):
    provider, recipient, user, assignment = worker_and_recipient()
    opened = phone(user)
    page = opened.page
    page.context.set_offline(True)
    tap(page, "Community")
    tap(page, "Check in")
    expect(waiting_list(page)).to_contain_text("Waiting to be sent")
    # While the phone was offline, the county ended the assignment (it began in January).
    assignment.start_date = assignment.start_date.replace(year=assignment.start_date.year + 5)
    assignment.save()
    page.context.set_offline(False)

    refused = waiting_list(page).locator("li.evv-refused")
    expect(refused).to_contain_text("Not recorded:")
    expect(refused).to_contain_text("is not in force")
    assert Punch.objects.count() == 0
    accessible(page)
    page.reload()  # still there when opened again, and not sent again
    page.wait_for_selector("#evv-app[data-ready=true]", state="attached")
    expect(waiting_list(page).locator("li.evv-refused")).to_have_count(1)

    waiting_list(page).get_by_role("button", name="Dismiss").click()
    expect(waiting_list(page)).to_be_empty()
    expect(status(page)).to_contain_text("Dismissed.")
    assert stored_records(page) == []
    clean(opened)


def test_the_same_upload_twice_and_from_two_tabs_makes_one_visit(phone):
    _p, _r, user, _a = worker_and_recipient()
    opened = phone(user)
    first = opened.page
    second = first.context.new_page()
    watch(opened, second)
    open_screen(second)
    # No answer from the portal (the phone's connection drops at the upload).
    first.context.route("**/evv/sync/", lambda route: route.abort("internetdisconnected"))
    tap(first, "Home")
    tap(first, "Check in")
    expect(status(first)).to_contain_text("No connection: kept on this phone.")
    second.reload()  # the other tab sees the same waiting punch (the store is the phone's)
    second.wait_for_selector("#evv-app[data-ready=true]", state="attached")
    expect(waiting_list(second)).to_contain_text("Check in · Home · Rosa Delgado")
    batch = first.evaluate(
        """async () => {
            const store = await import("/static/evv/store.js");
            const db = await store.openStore();
            const owner = document.getElementById("evv-app").dataset.provider;
            return (await store.waiting(db, owner)).map((entry) => entry.punch);
        }"""
    )
    assert len(batch) == 1

    first.context.unroute("**/evv/sync/")
    for tab in (first, second):  # both tabs hear "online" and send
        tab.evaluate("() => window.dispatchEvent(new Event('online'))")
    upload = """async (batch) => {
        const token = document.getElementById("evv-app").dataset.csrfToken;
        const response = await fetch("/evv/sync/", {
            method: "POST",
            headers: {"Content-Type": "application/json", "X-CSRFToken": token},
            body: JSON.stringify({punches: batch}),
        });
        return (await response.json()).results.map((r) => r.status);
    }"""
    answers = [tab.evaluate(upload, batch) for tab in (first, second, first, second)]

    assert all(len(a) == 1 and a[0] in ("recorded", "duplicate") for a in answers), answers
    for tab in (first, second):
        tab.reload()
        tab.wait_for_selector("#evv-app[data-ready=true]", state="attached")
        expect(waiting_list(tab)).to_be_empty()
    assert (Punch.objects.count(), Visit.objects.count()) == (1, 1)
    clean(opened)


def test_the_app_installs_and_opens_with_the_network_off(phone):
    provider, recipient, user, _a = worker_and_recipient()
    opened = phone(user, workers=True)
    page = opened.page

    manifest_url = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = page.evaluate(
        "async (url) => (await fetch(url, {credentials: 'omit'})).json()", manifest_url
    )
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/evv/",
        "/evv/",
        "standalone",
    )
    for icon in manifest["icons"]:
        answer = page.request.get(icon["src"])
        assert answer.status == 200 and answer.headers["content-type"] == "image/png"
    cdp = page.context.new_cdp_session(page)
    parsed = cdp.send("Page.getAppManifest")
    assert parsed["errors"] == [], parsed["errors"]

    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function("async () => !!(await caches.match('/evv/shell/'))")
    installable = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are private windows, where Chromium installs nothing.
    assert [e for e in installable if e["errorId"] != "in-incognito"] == [], installable

    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#evv-app[data-ready=true]", state="attached")
    expect(page.locator("#evv-app")).to_have_attribute("data-shell", "true")
    expect(page.get_by_role("heading", name="Check in and out")).to_be_visible()
    # The choices come from the phone's store, saved when the page was last opened online.
    tap(page, "Rosa Delgado")
    tap(page, "Community")
    tap(page, "Check in")
    expect(waiting_list(page)).to_contain_text("Check in · Community · Rosa Delgado")
    assert Punch.objects.count() == 0
    accessible(page)

    # Sent when the browser says "online", or at the next try if the worker's network
    # comes back a moment later than the page's.
    page.context.set_offline(False)
    expect(waiting_list(page)).to_be_empty(timeout=15_000)
    assert (Punch.objects.count(), Visit.objects.count()) == (1, 1), status(page).inner_text()
    clean(opened)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_screen_passes_axe_at_360_px(phone, language):
    provider, recipient, user, _a = worker_and_recipient()
    cast.assign(provider, recipient, 600, program="WPCS", start_date=dt.date(2026, 1, 1))
    other = cast.make_recipient(county_code="34", first_name="Harold", last_name="Kim")
    cast.assign(provider, other, 600, live_in_certified_on=dt.date(2026, 1, 1))
    opened = phone(user, language=language)
    page = opened.page
    assert page.locator("html").get_attribute("lang") == language
    accessible(page)
    # Big targets: every choice and button at least 44 px high, and nothing scrolls
    # sideways on the narrowest phones either.
    targets = page.locator("#evv-punch label.usa-radio__label, #evv-punch button")
    assert targets.count() == 6  # two programs, two places, two buttons
    for box in (targets.nth(i).bounding_box() for i in range(targets.count())):
        assert box is not None and box["height"] >= 44, box
    page.set_viewport_size({"width": 320, "height": 640})
    assert horizontal_overflow(page, 320) is None
    page.set_viewport_size(PHONE)
    page.context.set_offline(True)
    page.locator("label.usa-radio__label").first.click()
    page.locator("label[for=evv-place-community]").click()
    page.locator("button[data-kind=in]").click()
    expect(waiting_list(page).locator("li")).to_have_count(1)
    accessible(page)
    page.context.set_offline(False)
    expect(waiting_list(page).locator("li")).to_have_count(0)
    expect(page.locator("#evv-today-list li")).to_have_count(1)
    accessible(page)
    clean(opened)


def test_background_sync_sends_what_waits_with_the_screen_closed(phone, live_server):
    _p, _r, user, _a = worker_and_recipient()
    opened = phone(user, workers=True)
    page = opened.page
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.context.route("**/evv/sync/", lambda route: route.abort("internetdisconnected"))
    tap(page, "Community")
    tap(page, "Check in")
    expect(status(page)).to_contain_text("No connection: kept on this phone.")

    # The screen is closed; another page of the portal stays open to watch the worker.
    other = page.context.new_page()
    other.goto("/training/help/")
    page.close()
    cdp = other.context.new_cdp_session(other)
    registrations: list[dict[str, Any]] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    other.wait_for_function("() => true")
    for _ in range(50):
        if registrations:
            break
        other.wait_for_timeout(100)
    (registration,) = {r["registrationId"]: r for r in registrations if not r["isDeleted"]}.values()
    assert Punch.objects.count() == 0

    other.context.unroute("**/evv/sync/")
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": live_server.url,
            "registrationId": registration["registrationId"],
            "tag": "evv-send",
            "lastChance": False,
        },
    )
    for _ in range(100):
        if Punch.objects.exists():
            break
        other.wait_for_timeout(100)
    assert (Punch.objects.count(), Visit.objects.count()) == (1, 1)
    clean(opened)
