"""The message center, the notice settings, unsubscribe links and the staff outbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ihss.core import stepup
from ihss.core.pagination import html_page
from ihss.notifications import access, mobile, rules, services
from ihss.notifications.events import EventSpec, spec_for
from ihss.notifications.forms import (
    CodeForm,
    MobileNumberForm,
    OutboxFilterForm,
    PreferencesForm,
)
from ihss.notifications.models import Delivery, Notification
from ihss.notifications.rendering import Rendered, render_notice

INBOX_PAGE_SIZE = 20
OUTBOX_PAGE_SIZE = 50


@dataclass(frozen=True)
class Entry:
    """A notice as the message center lists it."""

    notification: Notification
    rendered: Rendered
    email_refused: bool


def _entries(notifications: list[Notification]) -> list[Entry]:
    return [
        Entry(
            notification=n,
            rendered=render_notice(n.event, n.context, n.language),
            email_refused=bool(getattr(n, "email_refused", False)),
        )
        for n in notifications
    ]


def _refused_email() -> Exists:
    return Exists(
        Delivery.objects.filter(
            notification=OuterRef("pk"),
            channel=Delivery.Channel.EMAIL,
            status=Delivery.Status.REFUSED,
        )
    )


def _contact_problems(user: Any) -> list[str]:
    """What the person must fix for messages to reach them, in their words."""
    contact = services.contact_of(user)
    problems = []
    if services.email_refused(user, contact):
        problems.append(
            _(
                "We could not email you at %(address)s: the mail server refused the address. "
                "Your notices are here in the message center. Call the Service Desk to "
                "correct your email address."
            )
            % {"address": contact.email_refused_address}
        )
    if contact.mobile_number and contact.mobile_refused_at is not None:
        problems.append(
            _(
                "We could not text you at %(number)s: the number was refused. Check it in "
                "your notice settings."
            )
            % {"number": rules.display_us_mobile(contact.mobile_number)}
        )
    return problems


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    show_unread = request.GET.get("show") == "unread"
    user: Any = request.user
    notices = access.own_notifications(user).annotate(email_refused=_refused_email())
    if show_unread:
        notices = notices.filter(read_at__isnull=True)
    page = html_page(request, notices.order_by("-created_at", "-id"), size=INBOX_PAGE_SIZE)
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "entries": _entries(list(page.object_list)),
            "show_unread": show_unread,
            "problems": _contact_problems(user),
        },
    )


@require_GET
def message(request: HttpRequest, pk: int) -> HttpResponse:
    notification = access.notification_for(request.user, pk)
    services.mark_read(notification)
    return render(
        request,
        "notifications/message.html",
        {
            "notification": notification,
            "rendered": render_notice(
                notification.event, notification.context, notification.language
            ),
            "deliveries": list(notification.deliveries.order_by("channel")),
            "required": spec_for(notification.event).required,
        },
    )


@require_POST
def message_unread(request: HttpRequest, pk: int) -> HttpResponse:
    services.mark_unread(access.notification_for(request.user, pk))
    messages.success(request, _("The message is marked as unread."))
    return redirect("notifications:inbox")


@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    if count:
        messages.success(request, _("All messages are marked as read."))
    return redirect("notifications:inbox")


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    contact = services.contact_of(user)
    form = PreferencesForm(
        request.POST or None,
        initial_choices=services.preferences_of(user),
        mobile_verified=contact.mobile_verified,
        offered=services.notices_offered_to(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.set_preferences(user=user, choices=form.cleaned_data, by=user)
        except services.PreferenceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Your notice settings are saved.") if changed else _("Nothing was changed."),
            )
            return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "contact": contact,
            "mobile_display": rules.display_us_mobile(contact.mobile_number)
            if contact.mobile_number
            else "",
            "problems": _contact_problems(user),
        },
    )


@stepup.recent_confirmation_required
@require_http_methods(["GET", "POST"])
def mobile_add(request: HttpRequest) -> HttpResponse:
    form = MobileNumberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mobile.start_mobile_verification(
                user=request.user,
                number=form.cleaned_data["number"],
            )
        except mobile.VerificationError as error:
            form.add_error("number", str(error))
        else:
            return redirect("notifications:mobile-confirm")
    return render(request, "notifications/mobile_add.html", {"form": form})


@require_http_methods(["GET", "POST"])
def mobile_confirm(request: HttpRequest) -> HttpResponse:
    pending = mobile.pending_verification(request.user)
    if pending is None:
        messages.warning(request, _("Ask for a code first; codes expire after 10 minutes."))
        return redirect("notifications:mobile-add")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mobile.confirm_mobile(user=request.user, code=form.cleaned_data["code"])
        except mobile.VerificationError as error:
            form.add_error("code", str(error))
        else:
            messages.success(
                request,
                _("Your mobile number is confirmed. You can now choose text messages below."),
            )
            return redirect("notifications:settings")
    return render(
        request,
        "notifications/mobile_confirm.html",
        {"form": form, "number": rules.display_us_mobile(pending.mobile_number)},
    )


@stepup.recent_confirmation_then("notifications:settings")
@require_POST
def mobile_remove(request: HttpRequest) -> HttpResponse:
    mobile.remove_mobile(user=request.user)
    messages.success(request, _("Your mobile number is removed. Notices come by email again."))
    return redirect("notifications:settings")


UNSUBSCRIBE_KEY = "notifications.unsubscribe_token"


def _unsubscriber(token: str) -> tuple[Any, EventSpec]:
    """The person and the kind of notice an unsubscribe token names; 404 when it names
    none (tampered with, or an account closed since)."""
    named = services.read_unsubscribe_token(token) if token else None
    user = None
    if named is not None:
        user = get_user_model().objects.filter(pk=named[0], is_active=True).first()
    if named is None or user is None:
        raise Http404("unknown unsubscribe link")
    return user, spec_for(named[1])


def _unsubscribe_page(request: HttpRequest, token: str, *, act: bool) -> HttpResponse:
    user, spec = _unsubscriber(token)
    done = False
    if act and not spec.required:
        services.unsubscribe(user=user, event=spec.event)
        done = True
    return render(request, "notifications/unsubscribe.html", {"spec": spec, "done": done})


@login_not_required
@csrf_exempt  # mail programs post one-click unsubscribes (RFC 8058) without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop one kind of optional email, from the link in that email; no sign-in needed.

    A mail program's one-click POST (RFC 8058) acts at once: that is the link's only
    request. A person's browser opening the link has the token moved into the session and
    is sent on to an address without it, so the token is not left in the address bar,
    the history or a Referer."""
    if request.method == "POST":
        return _unsubscribe_page(request, token, act=True)
    _unsubscriber(token)
    request.session[UNSUBSCRIBE_KEY] = token
    return redirect("notifications:unsubscribe-confirm")


@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe_confirm(request: HttpRequest) -> HttpResponse:
    """Asks before it stops the emails; the token is the one the link left in the session."""
    token = request.session.get(UNSUBSCRIBE_KEY, "")
    return _unsubscribe_page(request, token, act=request.method == "POST")


# --- Staff outbox -------------------------------------------------------------------------


def _outbox_rows(form: OutboxFilterForm) -> QuerySet[Delivery]:
    rows = Delivery.objects.select_related("notification__user").order_by("-created_at", "-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["event"]:
            rows = rows.filter(notification__event=data["event"])
        if data["channel"]:
            rows = rows.filter(channel=data["channel"])
        if data["address"]:
            rows = rows.filter(address__iexact=data["address"])
    return rows


@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    access.check_outbox_reader(request.user)
    form = OutboxFilterForm(request.GET or None)
    page = html_page(request, _outbox_rows(form), size=OUTBOX_PAGE_SIZE)
    return render(request, "notifications/outbox.html", {"form": form, "page": page})


@require_GET
def outbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = access.delivery_for(request.user, pk)
    notification = delivery.notification
    return render(
        request,
        "notifications/outbox_detail.html",
        {
            "delivery": delivery,
            "notification": notification,
            "rendered": render_notice(
                notification.event, notification.context, notification.language
            ),
            "siblings": list(notification.deliveries.exclude(pk=delivery.pk)),
        },
    )


@require_POST
def outbox_retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = access.delivery_for(request.user, pk)
    try:
        services.retry(delivery=delivery, by=request.user)
    except ValueError:
        messages.error(request, _("Only a failed message can be tried again."))
    else:
        messages.success(request, _("The message is queued to be sent again."))
    return redirect("notifications:outbox-detail", pk=delivery.pk)
