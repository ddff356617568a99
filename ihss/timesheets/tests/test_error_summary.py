"""Every timesheet form that refuses comes back with the error summary at the top of the
page: the heading "There is a problem", then each error as a link to the field to correct
(the USWDS/GOV.UK pattern; js/error-summary.js moves the focus to it). And a provider
sending a pay period before its last day must first confirm that no more care will be given
in it, on the page and through the API."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ihss.timesheets import services
from ihss.timesheets.models import Timesheet
from ihss.timesheets.tests.conftest import TODAY, H
from ihss.timesheets.tests.test_api import call, token
from ihss.timesheets.tests.test_sick_leave import claim, claim_form, usable  # noqa: F401
from ihss.timesheets.tests.test_travel import agree
from ihss.timesheets.tests.test_views import day_fields
from ihss.timesheets.tests.test_violations import NOV_1, over_66

NOV_8 = dt.date(2026, 11, 8)


def summary(answer) -> list[str]:
    """The targets the error summary links to, checked to be real fields of the page and
    the summary to come before every form of the page's content."""
    assert answer.status_code == 400, answer.status_code
    html = answer.content.decode()
    start = html.index('id="form-errors"')
    main = html.index('id="main-content"')
    first_form = html.index("<form", main)
    assert start < first_form, "the summary comes before the forms"
    block = html[start : html.index("</div>\n</div>", start)]
    assert "There is a problem" in block
    targets = re.findall(r'href="#([^"]+)"', block)
    for target in targets:
        assert f'id="{target}"' in html, target
    return targets


def sent(world, day: dt.date = NOV_8) -> Timesheet:
    sheet = world.fill(world.open(0, day), {day: 2 * H})
    return services.submit(timesheet=sheet, by=world.provider_user)


def test_approving_without_the_box_leads_to_the_box(world, client):
    sheet = sent(world)
    client.force_login(world.recipient_users[0])
    answer = client.post(f"/timesheets/{sheet.pk}/approve/", {"signature": "Rosa Delgado"})
    assert summary(answer) == ["id_attest"]


def test_the_approve_page_puts_the_decision_before_the_days(world, client):
    sheet = sent(world)
    client.force_login(world.recipient_users[0])
    html = client.get(f"/timesheets/{sheet.pk}/approve/").content.decode()
    # The days are in a closed <details> above the form: the form is not past every day.
    assert html.index("<details") < html.index("<table") < html.index("</details>")
    assert html.index("</details>") < html.index('name="attest"')
    assert "Check each day before you sign" in html


def test_returning_without_a_reason_leads_to_the_reason(world, client):
    sheet = sent(world)
    client.force_login(world.recipient_users[0])
    answer = client.post(f"/timesheets/{sheet.pk}/return/", {"reason": ""})
    assert summary(answer) == ["id_reason"]
    html = answer.content.decode()
    assert html.index("Return for correction") < html.index("Week of")


def test_a_wrong_day_of_the_week_leads_to_that_day(world, client):
    sheet = world.open(0, NOV_8)
    client.force_login(world.provider_user)
    answer = client.post(
        f"/timesheets/{sheet.pk}/week/2026-11-08/",
        {**day_fields(NOV_8, 30, 0), **day_fields(NOV_8 + dt.timedelta(days=1), 2, 0)},
    )
    targets = summary(answer)
    assert "id_2026-11-08-hours" in targets
    assert "Sunday, Nov. 8, 2026: Hours:" in answer.content.decode()


def test_travel_without_time_leads_to_the_hours(world, client):
    agree(world, 1, 0)
    sheet = world.fill(world.open(0, NOV_8), {NOV_8: 2 * H})
    client.force_login(world.provider_user)
    answer = client.post(
        f"/timesheets/{sheet.pk}/travel/",
        {
            "travel-day": "2026-11-08",
            "travel-from_recipient": str(world.recipients[1].pk),
            "travel-hours": "0",
        },
    )
    assert summary(answer) == ["id_travel-hours"]


def test_a_sick_leave_claim_off_the_rules_is_in_the_summary(usable, client):  # noqa: F811
    client.force_login(usable.provider_user)
    answer = client.post("/timesheets/sick-leave/", claim_form(45, usable))
    assert summary(answer) == []  # the rule is about the whole claim: listed, not linked
    html = answer.content.decode()
    block = html[html.index('id="form-errors"') : html.index("<form", html.index("form-errors"))]
    assert "A sick leave claim must be at least 1 h; this one is 45 min." in block


def test_not_approving_sick_leave_without_a_reason_leads_to_the_reason(usable, client):  # noqa: F811
    waiting = claim(usable, 2 * H)
    client.force_login(usable.recipient_users[0])
    answer = client.post(f"/timesheets/sick-leave/{waiting.pk}/return/", {"reason": ""})
    assert summary(answer) == ["id_reason"]


def test_a_county_decision_without_a_reason_leads_to_the_reason(world, client, la_staff):
    sheet = sent(world)
    services.approve(timesheet=sheet, by=world.recipient_users[0], signature="Rosa Delgado")
    services.decide_review(timesheet=sheet, by=la_staff, decision="hold", reason="Check.")
    client.force_login(la_staff)
    answer = client.post(
        f"/timesheets/{sheet.pk}/county-review/", {"decision": "void", "reason": " "}
    )
    assert summary(answer) == ["decision-reason"]
    assert 'value="void" checked' in answer.content.decode()


def test_a_dispute_decision_without_a_reason_leads_to_the_reason(world, client, la_staff):
    violation = over_66(world, NOV_1)
    services.file_dispute(violation=violation, filed_on=violation.noticed_on, by=la_staff)
    client.force_login(la_staff)
    answer = client.post(
        f"/timesheets/violations/{violation.pk}/", {"action": "upheld", "reason": ""}
    )
    assert summary(answer) == ["dispute-reason"]


def test_a_dispute_with_a_wrong_date_leads_to_the_date(world, client, la_staff):
    violation = over_66(world, NOV_1)
    client.force_login(la_staff)
    answer = client.post(
        f"/timesheets/violations/{violation.pk}/", {"action": "dispute", "filed_on": "soon"}
    )
    assert summary(answer) == ["filed-on"]


def test_an_exception_with_a_wrong_case_number_leads_to_it(world, client, la_staff):
    client.force_login(la_staff)
    answer = client.post(
        "/timesheets/weekly-maximum-exceptions/",
        {"case_number": "12", "program": "IHSS", "month": "2026-11", "reason": "A fall."},
    )
    assert "id_case_number" in summary(answer)


# --- Sending before the period's last day ---------------------------------------------------


def test_sending_before_the_last_day_says_how_many_days_remain_and_asks_to_confirm(world, client):
    # Today is Nov 20, in the period of Nov 16 to 30: 10 days are still to come.
    sheet = world.fill(world.open(0, TODAY), {TODAY: 2 * H})
    client.force_login(world.provider_user)
    page = client.get(f"/timesheets/{sheet.pk}/").content.decode()
    assert "10 more days are still to come" in page and 'name="confirm_early"' in page
    answer = client.post(f"/timesheets/{sheet.pk}/submit/")
    assert summary(answer) == ["id_confirm_early"]
    assert "you cannot add days to it unless it is returned to you" in answer.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == "draft"
    answer = client.post(f"/timesheets/{sheet.pk}/submit/", {"confirm_early": "true"})
    assert answer.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == "submitted"


def test_a_period_that_ended_is_sent_without_the_question(world, client):
    sheet = world.fill(world.open(0, NOV_8), {NOV_8: 2 * H})
    client.force_login(world.provider_user)
    page = client.get(f"/timesheets/{sheet.pk}/").content.decode()
    assert 'name="confirm_early"' not in page
    assert client.post(f"/timesheets/{sheet.pk}/submit/").status_code == 302


def test_the_days_left_count_the_providers_local_date(world):
    sheet = world.open(0, TODAY)  # Nov 16 to 30
    assert services.days_left(sheet, dt.date(2026, 11, 29)) == 1
    assert services.days_left(sheet, dt.date(2026, 11, 30)) == 0
    # 11 p.m. on Nov 29 in California is already Nov 30 in UTC: still one day to come.
    import time_machine
    from django.utils import timezone

    late = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC)
    with time_machine.travel(late, tick=False):
        assert timezone.localdate() == dt.date(2026, 11, 29)
        with pytest.raises(services.TimesheetError) as refused:
            world.fill(sheet, {dt.date(2026, 11, 29): 2 * H})
            services.submit(timesheet=sheet, by=world.provider_user)
    assert refused.value.field == "confirm_early"
    assert "1 more day is still to come" in refused.value.message


def test_the_api_refuses_an_early_send_without_confirm_early(world):
    sheet = world.fill(world.open(0, TODAY), {TODAY: 2 * H})
    phone = token(world.provider_user)
    refused = call("post", f"/{sheet.pk}/submit", phone, status=422)
    (error,) = refused["detail"]
    assert error["loc"] == ["query", "confirm_early"]
    assert "10 more days are still to come" in error["msg"]
    assert Timesheet.objects.get(pk=sheet.pk).status == "draft"
    done = call("post", f"/{sheet.pk}/submit?confirm_early=true", phone)
    assert done["status"] == "submitted"


def test_the_recipient_sees_no_send_step(world, client):
    sheet = sent(world)
    client.force_login(world.recipient_users[0])
    assert 'name="confirm_early"' not in client.get(f"/timesheets/{sheet.pk}/").content.decode()
