"""The provider's pay pages: payment history, paystub, timeline, wage statement; who may
see them, what every line says, and that they open whatever the stub holds."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.notifications.events import Event
from ihss.notifications.services import notify
from ihss.payroll.models import PayLine, PayrollRun
from ihss.payroll.pay_views import stub_path
from ihss.payroll.tests.paid import paid_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(la_provider):
    return paid_provider(la_provider)


def pages(paid):
    first, second = paid.first, paid.second
    number = paid.provider.provider_number
    return [
        reverse("payroll:stub", args=[first.pk]),
        reverse("payroll:stub", args=[second.pk]),
        reverse("payroll:stub-pdf", args=[first.pk]),
        reverse("payroll:stub-pdf", args=[second.pk]),
        reverse("payroll:timeline", args=["timesheet", paid.sheet_c.pk]),
        reverse("payroll:timeline", args=["timesheet", paid.late_sheet.pk]),
        reverse("payroll:provider-pay", args=[number]),
        reverse("payroll:provider-statement", args=[number]) + "?year=2026",
    ]


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def words(response) -> str:
    """The page's text without its tags."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_it_explains_overtime_across_three_recipients_with_its_numbers(
    signed_in, provider_user, paid
):
    page = text_of(signed_in(provider_user).get(reverse("payroll:stub", args=[paid.first.pk])))
    assert (
        "43 h in the week of Dec. 6 across 3 recipients: 40 h regular, 3 h overtime at "
        "1.5 × $20.00" in page
    )
    assert "3 h of overtime at 1.5 × $20.00 = $90.00" in page
    # The other week of the stub did not pass the threshold.
    assert (
        "Dec. 1 to Dec. 4: 40 h at $20.00 = $800.00. 40 h in the week of Nov. 29: no overtime (it starts past 40 h)."
        in page
    )
    assert "Paid sick leave: 2 h on Dec. 12 at $20.00 = $40.00" in page


def test_it_explains_the_late_hours_adjustment(signed_in, provider_user, paid):
    page = words(signed_in(provider_user).get(reverse("payroll:stub", args=[paid.second.pk])))
    assert (
        "Overtime adjustment: 10 h of the week of Nov. 29 were paid as regular before later "
        "hours arrived; the 0.5 × $20.00 premium is paid now: $100.00." in page
    )
    assert "50 h in the week of Nov. 29: 40 h regular, 10 h overtime at 1.5 × $20.00" in page
    assert "$300.00 by check number 000200000001." in page
    # The late timesheet and the one the premium is on are told apart by their days.
    assert "Timesheet · Rosa Delgado · IHSS · Nov. 29 to Nov. 30" in page
    assert "Timesheet · Rosa Delgado · IHSS · Dec. 4 " in page  # the 10 h past 40


def test_each_deduction_reads_as_its_rule_and_an_unknown_one_does_not_break(
    signed_in, provider_user, paid
):
    gross = paid.first.gross_cents
    page = text_of(signed_in(provider_user).get(reverse("payroll:stub", args=[paid.first.pk])))
    assert gross == 173000  # 80 h regular, 3 h overtime at $30.00, 2 h sick leave
    assert "Social Security: 6.2 % of $1,730.00 = $107.26." in page
    assert "No Medicare: you are family of the recipient, and family care is exempt." in page
    assert "Union dues: 1 % of $1,730.00 = $17.30." in page
    assert "California income tax: $25.00, the amount per paycheck you asked for." in page
    assert "Deduction: $1.00." in page  # a code the page does not know
    assert "direct deposit to the account ending ••••1234" in page


def test_the_paystub_shows_year_to_date_sick_leave_and_links_each_document(
    signed_in, provider_user, paid
):
    response = signed_in(provider_user).get(reverse("payroll:stub", args=[paid.first.pk]))
    page = text_of(response)
    assert "Year to date, 2026" in page
    assert reverse("timesheets:detail", args=[paid.sheet_c.pk]) in page
    assert reverse("payroll:timeline", args=["timesheet", paid.sheet_c.pk]) in page
    assert "Marta Delgado" in page and "Paid sick leave" in page


def test_a_provider_sees_only_their_own_issued_stubs(client, signed_in, provider_user, paid):
    other = cast.make_user("other.provider", Role.PROVIDER, provider=cast.make_active_provider())
    browser = signed_in(other)
    for path in pages(paid):
        assert browser.get(path).status_code == 404, path
    assert paid.first.provider.provider_number not in text_of(browser.get(reverse("payroll:mine")))
    # A run calculated but not issued is not yet pay: the provider does not see it.
    PayrollRun.objects.filter(pk=paid.second.run_id).update(status=PayrollRun.Status.CALCULATED)
    mine = signed_in(provider_user)
    assert mine.get(reverse("payroll:stub", args=[paid.second.pk])).status_code == 404
    history = text_of(mine.get(reverse("payroll:mine")))
    assert reverse("payroll:stub", args=[paid.second.pk]) not in history
    assert reverse("payroll:stub", args=[paid.first.pk]) in history


def test_staff_see_a_calculated_run_marked_as_not_issued(signed_in, la_staff, paid):
    PayrollRun.objects.filter(pk=paid.second.run_id).update(status=PayrollRun.Status.CALCULATED)
    page = text_of(signed_in(la_staff).get(reverse("payroll:stub", args=[paid.second.pk])))
    assert "Not issued yet" in page
    assert "What was paid" in page and "What you were paid for" not in page


@pytest.mark.parametrize("who", ["provider_user", "la_staff", "service_desk", "state_admin"])
def test_every_pay_page_opens_for_each_role_that_may_see_it(request, signed_in, paid, who):
    browser = signed_in(request.getfixturevalue(who))
    for path in pages(paid):
        response = browser.get(path)
        assert response.status_code == 200, (who, path)
    if who == "provider_user":
        for path in (reverse("payroll:mine"), reverse("payroll:statement") + "?year=2026"):
            assert browser.get(path).status_code == 200


@pytest.mark.parametrize("who", ["fresno_staff", "recipient_user"])
def test_people_who_may_not_see_the_pay_get_404(request, signed_in, paid, who):
    browser = signed_in(request.getfixturevalue(who))
    for path in pages(paid):
        assert browser.get(path).status_code == 404, (who, path)


# The session, the user and their memberships, the provider, the stubs' count and page,
# their documents, the unread messages of the header, and the session's renewal (3).
HISTORY_QUERIES = 11


def test_the_history_runs_a_fixed_number_of_queries(
    signed_in, provider_user, paid, django_assert_num_queries
):
    browser = signed_in(provider_user)
    browser.get(reverse("payroll:mine"))  # warm the session and the caches
    with django_assert_num_queries(HISTORY_QUERIES):
        assert browser.get(reverse("payroll:mine")).status_code == 200
    # Twelve more stubs (a copy of the first for each) cost no more queries.
    for n in range(12):
        run = PayrollRun.objects.create(
            period_start=f"2025-{n + 1:02d}-01",
            period_end=f"2025-{n + 1:02d}-15",
            status=PayrollRun.Status.ISSUED,
            pay_date=f"2025-{n + 1:02d}-20",
        )
        stub = paid.first
        lines = list(stub.lines.all())
        stub.pk = None
        stub.run = run
        stub.save()
        for line in lines:
            line.stub = stub
        PayLine.objects.bulk_create(lines)
    with django_assert_num_queries(HISTORY_QUERIES):
        page = browser.get(reverse("payroll:mine"))
    assert page.status_code == 200 and text_of(page).count("/pay/stubs/") == 14


def test_the_timeline_goes_from_sending_to_deposit(signed_in, provider_user, paid):
    page = text_of(
        signed_in(provider_user).get(
            reverse("payroll:timeline", args=["timesheet", paid.sheet_c.pk])
        )
    )
    for step in (
        "Sent",
        "Approved by the recipient",
        "In the payroll of Dec. 1 to Dec. 15, 2026: calculated",
        "Payment issued",
    ):
        assert step in page
    assert "Deposited in your bank account" in page or "To be deposited" in page


def test_a_sick_leave_claim_has_its_timeline_too(signed_in, provider_user, paid):
    page = words(
        signed_in(provider_user).get(
            reverse("payroll:timeline", args=["sick_leave_claim", paid.claim.pk])
        )
    )
    assert "Paid sick leave for Rosa Delgado, Dec. 12, 2026" in page
    assert "Approved by the recipient" in page and "Payment issued" in page


def test_the_timeline_of_an_unknown_source_or_document_is_404(signed_in, state_admin, paid):
    browser = signed_in(state_admin)
    assert browser.get(reverse("payroll:timeline", args=["nothing", 1])).status_code == 404
    assert browser.get(reverse("payroll:timeline", args=["timesheet", 10**9])).status_code == 404


def test_the_wage_statement_totals_the_year_of_issued_stubs(signed_in, provider_user, paid):
    browser = signed_in(provider_user)
    response = browser.get(reverse("payroll:statement") + "?year=2026")
    page = words(response)
    assert "Total pay (gross) $1,730.00" in page
    assert "Wages subject to Social Security $1,730.00" in page
    assert "Social Security withheld $107.26" in page
    page_2027 = words(browser.get(reverse("payroll:statement") + "?year=2027"))
    assert "Total pay (gross) $300.00" in page_2027
    # A year that is not a number shows the latest year rather than an error.
    assert browser.get(reverse("payroll:statement") + "?year=abc").status_code == 200


def test_the_pages_read_in_spanish(signed_in, provider_user, paid):
    browser = signed_in(provider_user)
    browser.cookies["django_language"] = "es"
    page = text_of(
        browser.get(reverse("payroll:stub", args=[paid.first.pk]), HTTP_ACCEPT_LANGUAGE="es")
    )
    assert "43 h en la semana del 6 de dic. con 3 beneficiarios" in page
    assert "Horas de cuidado, del 6 al 7 de dic.: 15 h a $20.00 = $300.00." in page


def test_the_payment_issued_notice_leads_to_the_paystub(signed_in, provider_user, paid):
    notice = notify(
        user=provider_user,
        event=Event.PAYMENT_ISSUED,
        context={
            "amount_cents": paid.first.net_cents,
            "period_start": "2026-12-01",
            "period_end": "2026-12-15",
            "paid_on": "2026-12-22",
            "method": "deposit",
        },
        key=f"stub:{paid.first.pk}",
        link=stub_path(paid.first.pk),
    )
    browser = signed_in(provider_user)
    message = text_of(browser.get(reverse("notifications:message", args=[notice.pk])))
    assert f'href="{reverse("payroll:stub", args=[paid.first.pk])}"' in message
    assert browser.get(notice.link).status_code == 200


def test_the_timeline_dates_the_countys_release_from_the_audit_trail(
    signed_in, la_staff, la_provider
):
    from ihss.payroll.tests.factories import H, timesheet
    from ihss.timesheets.models import Timesheet
    from ihss.timesheets.services.review import decide_review

    recipient = cast.make_recipient(county_code="19")
    cast.assign(la_provider, recipient, 100 * H)
    sheet = timesheet(
        la_provider, recipient, {dt.date(2026, 12, 2): 2 * H}, review=Timesheet.Review.WAITING
    )
    browser = signed_in(la_staff)
    waiting = words(browser.get(reverse("payroll:timeline", args=["timesheet", sheet.pk])))
    assert "Waiting for the county's review Not yet" in waiting
    assert "Not in a payment yet." in waiting
    decide_review(timesheet=sheet, by=la_staff, decision="release", reason="Checked the hours.")
    released = words(browser.get(reverse("payroll:timeline", args=["timesheet", sheet.pk])))
    assert "Released for payment by the county" in released
    assert "Released for payment by the county Not yet" not in released
