"""The pure rules of the notification service, with worked examples and properties."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ihss.notifications import rules

PACIFIC = ZoneInfo("America/Los_Angeles")


def plan(choice, *, required=False, email=True, email_refused=False, mobile=True, refused=False):
    return rules.plan_channels(
        choice=choice,
        required=required,
        has_email=email,
        email_refused=email_refused,
        has_verified_mobile=mobile,
        mobile_refused=refused,
    )


def test_email_by_default_and_both_when_asked():
    assert plan("email") == {"email": "send"}
    assert plan("both") == {"email": "send", "sms": "send"}
    assert plan("sms") == {"sms": "send"}


def test_an_optional_notice_can_live_in_the_message_center_alone():
    assert plan("none") == {}


def test_a_required_notice_cannot_be_left_to_the_message_center_alone():
    assert plan("none", required=True) == {"email": "send"}


def test_a_text_to_an_unconfirmed_number_falls_back_to_email_only_when_required():
    assert plan("sms", mobile=False) == {"sms": "mobile_not_verified"}
    assert plan("sms", required=True, mobile=False) == {
        "email": "send",
        "sms": "mobile_not_verified",
    }
    assert plan("sms", required=True, refused=True) == {"email": "send", "sms": "mobile_refused"}


def test_it_says_why_an_email_cannot_go():
    assert plan("email", email=False) == {"email": "no_email"}
    assert plan("email", email_refused=True) == {"email": "email_refused"}


def test_an_unknown_choice_is_an_error():
    with pytest.raises(ValueError, match="unknown channel choice"):
        plan("fax")


@given(
    choice=st.sampled_from(rules.CHOICES),
    required=st.booleans(),
    email=st.booleans(),
    email_refused=st.booleans(),
    mobile=st.booleans(),
    refused=st.booleans(),
)
def test_a_required_notice_always_tries_some_outside_channel(
    choice, required, email, email_refused, mobile, refused
):
    result = plan(
        choice,
        required=required,
        email=email,
        email_refused=email_refused,
        mobile=mobile,
        refused=refused,
    )
    assert set(result) <= {"email", "sms"}
    if required:
        assert result, "a required notice is planned on at least one channel"
        if email and not email_refused:
            assert "send" in result.values()
    if choice in ("sms", "both") and "sms" in result and result["sms"] == "send":
        assert mobile and not refused


def test_retry_waits_double_from_the_base_up_to_the_cap():
    waits = [rules.retry_delay_seconds(n, base_seconds=60, cap_seconds=3600) for n in range(1, 9)]
    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600]


@given(attempt=st.integers(min_value=1, max_value=10_000))
def test_retry_waits_never_pass_the_cap_and_never_shrink(attempt):
    now = rules.retry_delay_seconds(attempt, base_seconds=30, cap_seconds=7200)
    after = rules.retry_delay_seconds(attempt + 1, base_seconds=30, cap_seconds=7200)
    assert 30 <= now <= after <= 7200


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("(530) 555-0123", "+15305550123"),
        ("530.555.0123", "+15305550123"),
        ("1-530-555-0123", "+15305550123"),
        ("+1 530 555 0123", "+15305550123"),
        ("555-0123", None),  # no area code
        ("(130) 555-0123", None),  # area codes do not start with 1
        ("(530) 055-0123", None),  # nor do exchanges
        ("530-555-01234", None),
        ("five three oh", None),
    ],
)
def test_it_reads_a_us_mobile_number_typed_any_common_way(typed, expected):
    assert rules.normalize_us_mobile(typed) == expected


@given(area=st.integers(200, 999), exchange=st.integers(200, 999), line=st.integers(0, 9999))
def test_a_normalized_number_reads_back_the_same(area, exchange, line):
    e164 = f"+1{area}{exchange}{line:04d}"
    assert rules.normalize_us_mobile(rules.display_us_mobile(e164)) == e164


def test_a_long_text_is_cut_at_a_word():
    assert rules.short_text("one  two\nthree", limit=20) == "one two three"
    assert rules.short_text("alpha beta gamma delta", limit=12) == "alpha beta…"


@given(text=st.text(), limit=st.integers(min_value=2, max_value=400))
def test_a_text_never_passes_its_limit(text, limit):
    assert len(rules.short_text(text, limit=limit)) <= limit


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=PACIFIC)


def test_a_daily_job_runs_once_after_its_time():
    nine = dt.time(9, 0)
    assert rules.due_slot(now=at(14, 8, 59), last_slot=at(13, 9), daily_at=nine) is None
    assert rules.due_slot(now=at(14, 9, 0), last_slot=at(13, 9), daily_at=nine) == at(14, 9)
    assert rules.due_slot(now=at(14, 9, 30), last_slot=at(14, 9), daily_at=nine) is None


def test_a_daily_reminder_missed_by_more_than_the_grace_is_skipped():
    assert rules.due_slot(now=at(14, 16, 0), last_slot=at(13, 9), daily_at=dt.time(9)) is None
    assert rules.due_slot(now=at(14, 14, 59), last_slot=at(13, 9), daily_at=dt.time(9)) == at(14, 9)


def test_an_interval_job_runs_once_per_slot_whoever_asks():
    every = dt.timedelta(minutes=1)
    first = rules.due_slot(now=at(14, 9, 0) + dt.timedelta(seconds=10), last_slot=None, every=every)
    assert first == at(14, 9, 0)
    again = rules.due_slot(
        now=at(14, 9, 0) + dt.timedelta(seconds=50), last_slot=first, every=every
    )
    assert again is None
    assert rules.due_slot(now=at(14, 9, 1), last_slot=first, every=every) == at(14, 9, 1)


@given(
    minutes=st.integers(min_value=0, max_value=60 * 24 * 60),
    every=st.sampled_from([1, 5, 15, 60]),
)
def test_an_interval_slot_is_never_in_the_future(minutes, every):
    now = at(1, 0) + dt.timedelta(minutes=minutes, seconds=7)
    slot = rules.due_slot(now=now, last_slot=None, every=dt.timedelta(minutes=every))
    assert slot is not None
    assert slot <= now < slot + dt.timedelta(minutes=every)
