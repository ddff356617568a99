"""Direct deposit's rules and the payroll issuer's interface: the wait and the prenote
gate which account a payment goes to, a recipient's own account comes before the "all"
one, a cancel is at once, 60 days unused dis-enrolls, and every change is told to the
provider by email and text without the account number."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from ihss.core.models import AuditEvent
from ihss.notifications.events import Event
from ihss.notifications.models import Delivery, Notification, Preference
from ihss.notifications.rendering import render_notice
from ihss.payroll.models import DirectDeposit
from ihss.payroll.services import deposits
from ihss.payroll.tests import deposit_cast
from ihss.payroll.tests.deposit_cast import (
    ACCOUNT,
    BAD,
    GOOD,
    OTHER_ACCOUNT,
    OTHER_GOOD,
    TODAY,
    at,
)

world, clock = deposit_cast.world, deposit_cast.clock  # fixtures

DAY = dt.timedelta(days=1)


def enroll(world, recipient=None, routing=GOOD, number=ACCOUNT, kind="checking"):
    return deposits.enroll(
        provider=world.provider,
        recipient=recipient,
        routing_number=routing,
        account_number=number,
        account_type=kind,
        by=world.ana,
    ).enrollment


def in_force(world, on, recipient=None):
    accounts = deposits.accounts_for_payment(on=on, provider_ids=[world.provider.pk])
    return deposits.account_for(accounts, world.provider.pk, recipient.pk if recipient else None)


def test_it_refuses_a_routing_number_whose_check_digit_is_wrong(world):
    with pytest.raises(deposits.DepositRefused) as refused:
        enroll(world, routing=BAD)
    assert refused.value.field == "routing_number"
    assert "last digit does not match" in refused.value.message
    assert not DirectDeposit.objects.exists()


@pytest.mark.parametrize("number", ["123", "1" * 18, "12-34-56", "１２３４５"])
def test_it_refuses_an_account_number_that_is_not_4_to_17_digits(world, number):
    with pytest.raises(deposits.DepositRefused) as refused:
        enroll(world, number=number)
    assert refused.value.field == "account_number"


def test_it_keeps_the_account_number_encrypted_with_only_the_last_4_in_clear(world):
    row = enroll(world)
    assert (row.account_last4, row.masked_account) == ("6789", "••••6789")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM payroll_directdeposit")
        stored = json.dumps(cursor.fetchall(), default=str)
    assert ACCOUNT not in stored
    assert DirectDeposit.objects.get().account_number == ACCOUNT


def test_a_new_account_waits_for_the_wait_days_and_a_prenote(world, clock):
    row = enroll(world)
    assert row.effective_on == TODAY + 10 * DAY
    assert in_force(world, TODAY + 30 * DAY) is None  # no prenote yet: by check
    assert [a.enrollment_id for a in deposits.prenotes_due(on=TODAY)] == [row.pk]

    deposits.mark_prenotes_sent(enrollment_ids=[row.pk], run_id=7, on=TODAY + 2 * DAY)
    assert deposits.prenotes_due(on=TODAY + 2 * DAY) == []
    assert in_force(world, TODAY + 9 * DAY) is None  # the wait is not over
    account = in_force(world, TODAY + 10 * DAY)
    assert account is not None
    assert (account.routing_number, account.account_number) == (GOOD, ACCOUNT)
    assert account.account_type == "checking" and account.recipient_id is None


def test_a_prenote_sent_late_holds_the_account_back_for_the_prenote_days(world):
    row = enroll(world)
    deposits.mark_prenotes_sent(enrollment_ids=[row.pk], run_id=1, on=TODAY + 9 * DAY)
    assert in_force(world, TODAY + 11 * DAY) is None
    assert in_force(world, TODAY + 12 * DAY).enrollment_id == row.pk


def test_marking_prenotes_twice_keeps_the_first_run_and_day(world):
    row = enroll(world)
    deposits.mark_prenotes_sent(enrollment_ids=[row.pk], run_id=1, on=TODAY)
    deposits.mark_prenotes_sent(enrollment_ids=[row.pk], run_id=2, on=TODAY + DAY)
    row.refresh_from_db()
    assert (row.prenote_run_id, row.prenote_sent_on) == (1, TODAY)


def test_a_change_keeps_paying_the_old_account_until_the_new_one_is_ready(world, clock):
    old = enroll(world)
    deposits.mark_prenotes_sent(enrollment_ids=[old.pk], run_id=1, on=TODAY)
    clock.move_to(at(TODAY + 20 * DAY))
    new = enroll(world, routing=OTHER_GOOD, number=OTHER_ACCOUNT, kind="savings")
    assert new.effective_on == TODAY + 30 * DAY
    assert in_force(world, TODAY + 29 * DAY).enrollment_id == old.pk
    deposits.mark_prenotes_sent(enrollment_ids=[new.pk], run_id=2, on=TODAY + 21 * DAY)
    assert in_force(world, TODAY + 29 * DAY).enrollment_id == old.pk
    assert in_force(world, TODAY + 30 * DAY).enrollment_id == new.pk
    states = deposits.states_on(DirectDeposit.objects.all(), on=TODAY + 30 * DAY)
    assert states == {old.pk: "replaced", new.pk: "active"}
    assert deposits.states_on(DirectDeposit.objects.all(), on=TODAY + 20 * DAY) == {
        old.pk: "active",
        new.pk: "pending",
    }


def test_a_request_still_waiting_is_replaced_by_a_newer_one(world):
    first = enroll(world)
    second = enroll(world, number=OTHER_ACCOUNT)
    first.refresh_from_db()
    assert first.stopped_on == TODAY and first.stop_reason == "replaced"
    assert [a.enrollment_id for a in deposits.prenotes_due(on=TODAY)] == [second.pk]


def test_the_same_account_sent_twice_is_one_enrollment_and_one_notice(world):
    first = enroll(world)
    again = deposits.enroll(
        provider=world.provider,
        recipient=None,
        routing_number=GOOD,
        account_number=ACCOUNT,
        account_type="checking",
        by=world.ana,
    )
    assert again.enrollment is not None
    assert (again.enrollment.pk, again.changed) == (first.pk, False)
    assert DirectDeposit.objects.count() == 1
    assert Notification.objects.filter(event=Event.DIRECT_DEPOSIT_CHANGED).count() == 1


def test_a_recipients_own_account_comes_before_the_one_for_all(world):
    everyone = enroll(world)
    rosas = enroll(world, recipient=world.rosa, routing=OTHER_GOOD, number=OTHER_ACCOUNT)
    deposits.mark_prenotes_sent(enrollment_ids=[everyone.pk, rosas.pk], run_id=1, on=TODAY)
    on = TODAY + 10 * DAY
    assert in_force(world, on, world.rosa).enrollment_id == rosas.pk
    assert in_force(world, on, world.wei).enrollment_id == everyone.pk
    assert in_force(world, on).enrollment_id == everyone.pk


def test_a_cancel_takes_effect_at_once_and_pays_by_check(world, clock):
    row = enroll(world)
    deposits.mark_prenotes_sent(enrollment_ids=[row.pk], run_id=1, on=TODAY)
    clock.move_to(at(TODAY + 15 * DAY))
    assert in_force(world, TODAY + 15 * DAY).enrollment_id == row.pk
    change = deposits.cancel(provider=world.provider, recipient=None, by=world.ana)
    assert change.changed
    assert in_force(world, TODAY + 15 * DAY) is None
    assert in_force(world, TODAY + 14 * DAY).enrollment_id == row.pk  # history holds
    assert deposits.states_on([DirectDeposit.objects.get()], on=TODAY + 15 * DAY) == {
        row.pk: "cancelled"
    }
    again = deposits.cancel(provider=world.provider, recipient=None, by=world.ana)
    assert not again.changed
    assert AuditEvent.objects.filter(action=deposits.CANCELLED).count() == 1


def test_cancelling_a_recipients_own_account_falls_back_to_the_one_for_all(world):
    everyone = enroll(world)
    rosas = enroll(world, recipient=world.rosa, routing=OTHER_GOOD, number=OTHER_ACCOUNT)
    deposits.mark_prenotes_sent(enrollment_ids=[everyone.pk, rosas.pk], run_id=1, on=TODAY)
    deposits.cancel(provider=world.provider, recipient=world.rosa, by=world.ana)
    assert in_force(world, TODAY + 10 * DAY, world.rosa).enrollment_id == everyone.pk


def test_sixty_days_without_a_payment_dis_enrolls_that_recipients_account(world, clock):
    rosas = enroll(world, recipient=world.rosa)
    weis = enroll(world, recipient=world.wei, number=OTHER_ACCOUNT)
    everyone = enroll(world, routing=OTHER_GOOD)
    ids = [rosas.pk, weis.pk, everyone.pk]
    deposits.mark_prenotes_sent(enrollment_ids=ids, run_id=1, on=TODAY)
    ready = TODAY + 10 * DAY
    deposits.mark_used(enrollment_ids=[weis.pk], on=ready + 30 * DAY)
    assert deposits.dis_enroll_unused(on=ready + 59 * DAY) == 0
    ended = deposits.dis_enroll_unused(on=ready + 60 * DAY, last_paid={everyone.pk: ready})
    assert ended == 1  # Rosa's: Wei's was paid 30 days ago, "all" is never dis-enrolled
    rosas.refresh_from_db()
    assert (rosas.stopped_on, rosas.stop_reason) == (ready + 60 * DAY, "unused")
    assert in_force(world, ready + 60 * DAY, world.rosa).enrollment_id == everyone.pk
    notice = Notification.objects.get(key=f"deposit:{rosas.pk}:unused")
    assert notice.context["change"] == "unused" and notice.context["days"] == 60
    assert AuditEvent.objects.filter(action=deposits.DIS_ENROLLED).count() == 1
    assert deposits.dis_enroll_unused(on=ready + 61 * DAY) == 0


def test_mark_used_never_goes_back_to_an_earlier_day(world):
    row = enroll(world)
    deposits.mark_used(enrollment_ids=[row.pk], on=TODAY + 5 * DAY)
    deposits.mark_used(enrollment_ids=[row.pk], on=TODAY + 2 * DAY)
    row.refresh_from_db()
    assert row.last_used_on == TODAY + 5 * DAY


def test_every_change_is_sent_by_email_and_text_whatever_the_provider_chose(world):
    Preference.objects.create(user=world.ana, event=Event.DIRECT_DEPOSIT_CHANGED, choice="email")
    enroll(world)  # enrolled
    enroll(world, number=OTHER_ACCOUNT)  # changed
    deposits.cancel(provider=world.provider, recipient=None, by=world.ana)  # cancelled
    notices = Notification.objects.filter(user=world.ana, event=Event.DIRECT_DEPOSIT_CHANGED)
    assert sorted(n.context["change"] for n in notices) == ["cancelled", "changed", "enrolled"]
    for notice in notices:
        channels = {d.channel: d.status for d in Delivery.objects.filter(notification=notice)}
        assert set(channels) == {"email", "sms"}
        assert "skipped" not in channels.values()


def test_the_notice_shows_the_last_4_digits_and_never_the_number(world):
    enroll(world, recipient=world.rosa)
    deposits.cancel(provider=world.provider, recipient=world.rosa, by=world.ana)
    for notice in Notification.objects.filter(event=Event.DIRECT_DEPOSIT_CHANGED):
        for language in ("en", "es"):
            rendered = render_notice(notice.event, notice.context, language)
            text = " ".join([rendered.subject, rendered.message, rendered.sms])
            assert "6789" in text and "Rosa Delgado" in text
            assert ACCOUNT not in text and ACCOUNT not in json.dumps(notice.context)


def test_the_account_number_is_never_logged_nor_audited(world, caplog):
    caplog.set_level(logging.DEBUG)
    enroll(world)
    row = enroll(world, number=OTHER_ACCOUNT)
    deposits.mark_prenotes_sent(enrollment_ids=[row.pk], run_id=1, on=TODAY)
    accounts = deposits.accounts_for_payment(on=TODAY + 10 * DAY)
    assert accounts  # an issuer that logs what it read shows the masked number only
    logging.getLogger("test").info("accounts: %r", accounts)
    deposits.cancel(provider=world.provider, recipient=None, by=world.ana)
    for number in (ACCOUNT, OTHER_ACCOUNT):
        assert number not in caplog.text
    events = list(AuditEvent.objects.filter(action__startswith="payroll.deposit"))
    assert {e.action for e in events} == {deposits.ENROLLED, deposits.CHANGED, deposits.CANCELLED}
    trail = json.dumps(
        [[e.before, e.after, e.subject_label, e.reason] for e in events], ensure_ascii=False
    )
    assert ACCOUNT not in trail and OTHER_ACCOUNT not in trail
    assert "••••6789" in trail and "••••4321" in trail


def test_the_issuer_reads_the_whole_state_in_two_queries(world, django_assert_num_queries):
    rows = [enroll(world), enroll(world, recipient=world.rosa, number=OTHER_ACCOUNT)]
    deposits.mark_prenotes_sent(enrollment_ids=[r.pk for r in rows], run_id=1, on=TODAY)
    with django_assert_num_queries(2):  # the parameter, the enrollments
        accounts = deposits.accounts_for_payment(on=TODAY + 10 * DAY)
    assert set(accounts) == {(world.provider.pk, None), (world.provider.pk, world.rosa.pk)}


def test_the_settings_page_offers_no_choice_for_the_direct_deposit_notice():
    from ihss.notifications.events import SPECS, offered_to

    assert SPECS[Event.DIRECT_DEPOSIT_CHANGED].sent
    assert Event.DIRECT_DEPOSIT_CHANGED not in offered_to({"provider"})


def test_the_scheduler_dis_enrolls_unused_accounts_each_morning(world):
    from ihss.notifications import scheduler

    rosas = enroll(world, recipient=world.rosa)
    deposits.mark_prenotes_sent(enrollment_ids=[rosas.pk], run_id=1, on=TODAY)
    morning = timezone.make_aware(dt.datetime.combine(TODAY + 71 * DAY, dt.time(6, 30)))
    with time_machine.travel(morning, tick=False):
        outcomes = scheduler.run_due(only="payroll.dis_enroll_unused_deposits")
    assert [o.error for o in outcomes] == [""]
    rosas.refresh_from_db()
    assert rosas.stop_reason == "unused"
