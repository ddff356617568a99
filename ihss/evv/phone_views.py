"""The phone screen: check in and out, offline-safe (ihss/static/evv/phone.js).

- `phone` (/evv/): the provider picks whom they work for, Home or Community, and checks
  in or out. Today's visits come from the server; what is still waiting to be sent lives
  on the phone (IndexedDB) and is listed by the page's script.
- `shell` (/evv/shell/): the same page without anyone's data, which the service worker
  keeps to open the screen with the network off (the choices come from the phone's
  encrypted store, saved by the last page opened online).
- `sync` (/evv/sync/): the page's batch upload, answered punch by punch
  (services.punches.sync): recorded, duplicate (sent before) or refused with its reason.
- `service_worker` (/evv/sw.js) and `manifest` (/evv/manifest.json): what makes the
  screen an installable app. Both are public: they hold no one's data, the browser asks
  for the manifest without cookies, and a worker script answered with the sign-in page
  would stop the installed app from updating.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse, RawPostDataException
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.cases.models import Assignment, Program, Provider
from ihss.core.pagination import MAX_KEY
from ihss.evv import access
from ihss.evv.models import Place, Position, Punch, Visit
from ihss.evv.services import punches
from ihss.evv.services.punches import PunchInput

# The most punches one upload may carry. A phone keeps a few a day; a week offline with
# split shifts for several recipients is well under a hundred. More is not a phone.
MAX_PUNCHES = 200
# A location fix cannot be less precise than the Earth is round (meters, a constant of
# nature): a larger accuracy is not a measurement.
EARTH_CIRCUMFERENCE_M = 40_075_017
MAX_ID = MAX_KEY
# The assets the service worker keeps, for the screen to open without the network.
SHELL_ASSETS = (
    "vendor/uswds/css/uswds.min.css",
    "css/portal.css",
    "evv/phone.css",
    "vendor/uswds/js/uswds-init.min.js",
    "vendor/uswds/js/uswds.min.js",
    "vendor/htmx/htmx.min.js",
    "js/error-summary.js",
    "js/session-timeout.js",
    "evv/phone.js",
    "evv/store.js",
    "evv/icon-192.png",
    "vendor/uswds/img/favicons/favicon.ico",
    "vendor/uswds/img/usa-icons/close.svg",
)


@dataclass(frozen=True)
class Choice:
    """One recipient and program the provider checks in for today."""

    recipient_id: int
    program: str
    name: str
    label: str  # the name, with the program when the provider serves both


def _today_assignments(provider: Provider, day: dt.date) -> list[Assignment]:
    return list(
        Assignment.objects.filter(provider=provider)
        .in_force_on(day)
        .select_related("recipient")
        .order_by("recipient__last_name", "recipient__first_name", "recipient_id", "program")
    )


def choices_of(assignments: list[Assignment]) -> tuple[list[Choice], list[str]]:
    """The (recipient, program) pairs to check in for, and the names of the recipients
    the provider is a live-in provider for (in every program they serve them in)."""
    programs: dict[int, set[str]] = {}
    for assignment in assignments:
        programs.setdefault(assignment.recipient_id, set()).add(assignment.program)
    choices: list[Choice] = []
    live_in: list[str] = []
    seen: set[tuple[int, str]] = set()
    exempt_everywhere: dict[int, bool] = {}
    for assignment in assignments:
        key = (assignment.recipient_id, assignment.program)
        if key in seen:
            continue
        seen.add(key)
        name = assignment.recipient.full_name
        exempt_everywhere.setdefault(assignment.recipient_id, True)
        if assignment.is_live_in:
            continue
        exempt_everywhere[assignment.recipient_id] = False
        two = len(programs[assignment.recipient_id]) > 1
        choices.append(
            Choice(
                recipient_id=assignment.recipient_id,
                program=assignment.program,
                name=name,
                label=f"{name} ({Program(assignment.program).label})" if two else name,
            )
        )
    for assignment in assignments:
        if exempt_everywhere.get(assignment.recipient_id):
            exempt_everywhere[assignment.recipient_id] = False  # name each recipient once
            live_in.append(assignment.recipient.full_name)
    return choices, live_in


def _page(request: HttpRequest, *, empty: bool) -> HttpResponse:
    provider = access.own_provider(request.user)
    day = timezone.localdate()
    choices: list[Choice] = []
    live_in: list[str] = []
    visits: list[Visit] = []
    if not empty:
        choices, live_in = choices_of(_today_assignments(provider, day))
        visits = list(
            Visit.objects.filter(provider=provider, day=day)
            .select_related("recipient")
            .order_by("started_at", "ended_at", "id")
        )
    return render(
        request,
        "evv/phone.html",
        {
            "shell": empty,
            "provider": provider,
            "choices": choices,
            "choice_data": [
                {
                    "recipient": c.recipient_id,
                    "program": c.program,
                    "name": c.name,
                    "label": c.label,
                }
                for c in choices
            ],
            "live_in": live_in,
            "visits": visits,
            "text": _script_text(),
            "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        },
    )


def _script_text() -> dict[str, str]:
    """What the page's script says, in the person's language."""
    return {
        "in": _("Check in"),
        "out": _("Check out"),
        "home": str(Place.HOME.label),
        "community": str(Place.COMMUNITY.label),
        "saving": _("Saving on this phone…"),
        "locating": _("Asking this phone for its location…"),
        "saved": _("Saved on this phone. Sending…"),
        "recorded_in": _("Check-in recorded."),
        "recorded_out": _("Check-out recorded."),
        "offline": _(
            "No connection: kept on this phone. It will be sent when the connection returns."
        ),
        "refused": _("Not recorded: see “Waiting to be sent”."),
        "signed_out": _("Your sign-in has ended. Sign in again to send what is waiting."),
        "server": _("The portal could not take what was sent. It is kept on this phone."),
        "choose_recipient": _("Choose whom you are working for."),
        "choose_place": _("Choose Home or Community."),
        "dismiss": _("Dismiss"),
        "dismissed": _("Dismissed."),
        "waiting_refused": _("Not recorded:"),
        "waiting_pending": _("Waiting to be sent"),
        "no_choices": _(
            "Open this page once with a connection to choose whom you are working for."
        ),
        "unknown_recipient": _("Recipient"),
    }


@require_GET
def phone(request: HttpRequest) -> HttpResponse:
    return _page(request, empty=False)


@require_GET
def shell(request: HttpRequest) -> HttpResponse:
    return _page(request, empty=True)


# --- The upload ---------------------------------------------------------------------------


class BadUpload(Exception):
    def __init__(self, message: str, *, status: int = 422, code: str = "invalid") -> None:
        super().__init__(message)
        self.message, self.status, self.code = message, status, code


def _refusal(message: str, *, status: int, code: str) -> JsonResponse:
    return JsonResponse({"message": message, "code": code}, status=status)


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadUpload(_("%(what)s must be a number.") % {"what": what})
    if not math.isfinite(value) or abs(value) > 1e15:
        raise BadUpload(_("%(what)s is not a usable number.") % {"what": what})
    return float(value)


def _moment(value: Any) -> dt.datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise BadUpload(_("The time of the punch must be a date and time (ISO 8601)."))
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise BadUpload(_("The time of the punch must be a date and time (ISO 8601).")) from None
    if moment.tzinfo is None:
        raise BadUpload(_("The time of the punch needs its time zone."))
    return moment


def _coordinate(value: Any, what: str, limit: int) -> Decimal | None:
    if value is None:
        return None
    number = _number(value, what)
    if abs(number) > limit:
        raise BadUpload(_("%(what)s is out of range.") % {"what": what})
    return Decimal(str(number)).quantize(Decimal("0.000001"))


def punch_of(item: dict[str, Any]) -> PunchInput:
    """One punch of the upload, checked field by field (BadUpload says what is wrong)."""
    kind = item.get("kind")
    if kind not in Punch.Kind.values:
        raise BadUpload(_("Choose check in or check out."))
    recipient = item.get("recipient")
    if isinstance(recipient, bool) or not isinstance(recipient, int) or not 0 < recipient < MAX_ID:
        raise BadUpload(_("Choose whom you are working for."))
    program = item.get("program")
    if program not in Program.values:
        raise BadUpload(_("Choose IHSS or WPCS."))
    place = item.get("place")
    if place not in Place.values:
        raise BadUpload(_("Choose Home or Community."))
    position = item.get("position", Position.UNAVAILABLE)
    if position not in (Position.FIX, Position.DENIED, Position.UNAVAILABLE, Position.NOT_ASKED):
        raise BadUpload(_("The location must be fix, denied or unavailable."))
    latitude = _coordinate(item.get("latitude"), _("The latitude"), 90)
    longitude = _coordinate(item.get("longitude"), _("The longitude"), 180)
    if (latitude is None) != (longitude is None):
        raise BadUpload(_("A location needs both its latitude and its longitude."))
    accuracy = item.get("accuracy")
    accuracy_m = None
    if accuracy is not None:
        number = _number(accuracy, _("The accuracy"))
        if not 0 <= number <= EARTH_CIRCUMFERENCE_M:
            raise BadUpload(_("The accuracy is out of range."))
        accuracy_m = math.ceil(number)
    return PunchInput(
        phone_id=uuid.UUID(str(item["id"])),
        kind=kind,
        recipient_id=recipient,
        program=program,
        place=place,
        punched_at=_moment(item.get("punched_at")),
        position=position,
        latitude=latitude,
        longitude=longitude,
        accuracy_m=accuracy_m,
    )


def _phone_id(item: Any, index: int) -> uuid.UUID:
    where = {"number": index + 1}
    if not isinstance(item, dict):
        raise BadUpload(_("Punch %(number)s is not a punch.") % where)
    value = item.get("id")
    if not isinstance(value, str) or len(value) > 36:
        raise BadUpload(_("Punch %(number)s has no id (a UUID made on the phone).") % where)
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadUpload(
            _("Punch %(number)s has no id (a UUID made on the phone).") % where
        ) from None


def _batch(request: HttpRequest) -> list[Any]:
    not_json = BadUpload(
        _("What was sent is not JSON: reload the page and try again."),
        status=400,
        code="not_json",
    )
    if request.content_type != "application/json":
        raise not_json  # a form's body was read already (the CSRF check reads forms)
    try:
        body = request.body
    except RawPostDataException:
        raise not_json from None
    except RequestDataTooBig:
        raise BadUpload(
            _("Too much was sent at once. Send at most %(count)s punches.")
            % {"count": MAX_PUNCHES},
            status=413,
            code="too_large",
        ) from None
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        raise not_json from None
    if not isinstance(document, dict) or not isinstance(document.get("punches"), list):
        raise BadUpload(_("Send an object with a list of punches under “punches”."), code="shape")
    batch: list[Any] = document["punches"]
    if len(batch) > MAX_PUNCHES:
        raise BadUpload(
            _("Too many punches at once (%(sent)s): send at most %(count)s.")
            % {"sent": len(batch), "count": MAX_PUNCHES},
            status=413,
            code="too_many",
        )
    return batch


def _answer(outcome: punches.Outcome) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "id": str(outcome.phone_id),
        "status": outcome.status,
        "message": "",
        "code": "",
        "visit": outcome.visit.pk if outcome.visit is not None else None,
    }
    if outcome.refusal is not None:
        answer["message"] = outcome.refusal.message
        answer["code"] = outcome.refusal.code
    return answer


@require_POST
@never_cache
def sync(request: AuthenticatedHttpRequest) -> JsonResponse:
    """Record the punches kept on the phone; answer each one (in the order sent)."""
    provider = access.provider_of(request.user)
    if provider is None:
        return _refusal(_("Only a provider checks in and out."), status=403, code="not_a_provider")
    try:
        batch = _batch(request)
        ids = [_phone_id(item, index) for index, item in enumerate(batch)]
    except BadUpload as bad:
        return _refusal(bad.message, status=bad.status, code=bad.code)
    answers: dict[uuid.UUID, dict[str, Any]] = {}
    good: list[PunchInput] = []
    for phone_id, item in zip(ids, batch, strict=True):
        if phone_id in answers or any(p.phone_id == phone_id for p in good):
            continue
        try:
            good.append(punch_of(item))
        except BadUpload as bad:
            answers[phone_id] = {
                "id": str(phone_id),
                "status": "refused",
                "message": bad.message,
                "code": bad.code,
                "visit": None,
            }
    for outcome in punches.sync(provider=provider, batch=good, by=request.user):
        answers[outcome.phone_id] = _answer(outcome)
    order = list(dict.fromkeys(ids))
    return JsonResponse({"results": [answers[i] for i in order]})


# --- The installable app ------------------------------------------------------------------


# Modules the page imports by a relative address ("./store.js"): the browser asks for them
# under their plain name even where the other assets carry their hash (the manifest
# storage does not rewrite module imports), so they are kept under both.
SHELL_MODULES = ("evv/store.js",)


def shell_assets() -> list[str]:
    """The addresses the service worker keeps, each once."""
    plain = [f"{settings.STATIC_URL}{name}" for name in SHELL_MODULES]
    return list(dict.fromkeys([static(name) for name in SHELL_ASSETS] + plain))


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    assets = shell_assets()
    shell_url = reverse("evv:shell")
    script = render_to_string(
        "evv/sw.js",
        {
            "assets_json": json.dumps(assets),
            "shell_url": json.dumps(shell_url),
            "scope": json.dumps(reverse("evv:phone")),
            "sync_url": json.dumps(reverse("evv:sync")),
            "store_url": json.dumps(static("evv/store.js")),
        },
    )
    # The cache's name changes whenever the worker or an asset's address does (the
    # addresses carry each file's hash in production), so a new version replaces the old.
    version = hashlib.sha256(script.encode()).hexdigest()[:12]
    response = HttpResponse(
        script.replace("__VERSION__", version), content_type="text/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = reverse("evv:phone")
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    start = reverse("evv:phone")
    response = JsonResponse(
        {
            "name": _("IHSS check in and out"),
            "short_name": _("IHSS EVV"),
            "description": _(
                "Check in and out of your IHSS and WPCS work, even without a connection."
            ),
            "lang": translation.get_language() or "en",
            "start_url": start,
            "scope": start,
            "id": start,
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1a4480",
            "icons": [
                {
                    "src": static(f"evv/icon-{size}.png"),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": "any maskable",
                }
                for size in (192, 512)
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "no-cache"
    return response
