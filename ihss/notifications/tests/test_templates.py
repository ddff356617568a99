"""Every notice renders from its sample, in every language, on every channel."""

from __future__ import annotations

import pytest
from django.conf import settings

from ihss.notifications.events import SPECS, Event
from ihss.notifications.rendering import SMS_LIMIT, render_email, render_notice, text_engine

LANGUAGES = [code for code, _ in settings.LANGUAGES]


@pytest.fixture
def strict_templates():
    """A missing context value shows up as MISSING[...] instead of vanishing."""
    engine = text_engine()
    engine.string_if_invalid = "MISSING[%s]"
    yield
    engine.string_if_invalid = ""


def test_every_event_has_a_sample_and_templates():
    assert set(SPECS) == set(Event.values)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("event", sorted(SPECS))
def test_each_notice_renders_its_sample_completely(event, language, strict_templates):
    rendered = render_notice(event, SPECS[event].sample, language)
    for part in (rendered.subject, rendered.message, rendered.sms):
        assert part.strip(), f"{event} has an empty part in {language}"
        assert "MISSING[" not in part, f"{event} ({language}) lacks a value: {part}"
        assert "{{" not in part and "{%" not in part
    assert "\n" not in rendered.subject
    assert len(rendered.subject) <= 100
    assert len(rendered.sms) <= SMS_LIMIT


@pytest.mark.parametrize("event", sorted(SPECS))
def test_each_notice_is_written_in_spanish_for_spanish_readers(event):
    english = render_notice(event, SPECS[event].sample, "en")
    spanish = render_notice(event, SPECS[event].sample, "es")
    assert spanish.subject != english.subject
    assert spanish.message != english.message
    assert spanish.sms != english.sms


def test_dates_and_money_are_written_the_readers_way():
    sample = SPECS[Event.PAYMENT_ISSUED].sample
    assert "Nov. 25, 2026" in render_notice(Event.PAYMENT_ISSUED, sample, "en").message
    assert "25 de noviembre de 2026" in render_notice(Event.PAYMENT_ISSUED, sample, "es").message
    assert "$1,234.56" in render_notice(Event.PAYMENT_ISSUED, sample, "es").subject


def test_a_pathway_is_named_in_the_readers_language():
    sample = SPECS[Event.INCENTIVE_EARNED].sample | {"pathway": "Adult Education"}
    assert "Educación para adultos" in render_notice(Event.INCENTIVE_EARNED, sample, "es").message
    assert "Adult Education" in render_notice(Event.INCENTIVE_EARNED, sample, "en").message


def test_an_unknown_language_falls_back_to_english():
    sample = SPECS[Event.CLASS_REMINDER].sample
    assert render_notice(Event.CLASS_REMINDER, sample, "xx") == render_notice(
        Event.CLASS_REMINDER, sample, "en"
    )


def test_an_unknown_event_is_refused_loudly():
    with pytest.raises(ValueError, match="Unknown notice"):
        render_notice("pay_raise", {}, "en")


def test_the_html_email_escapes_what_the_text_carries():
    rendered = render_notice(
        Event.TIMESHEET_REJECTED,
        {**SPECS[Event.TIMESHEET_REJECTED].sample, "reason": "<script>x</script> & more"},
        "en",
    )
    assert "<script>x</script> & more" in rendered.message  # plain text stays plain
    email = render_email(
        rendered=rendered,
        language="en",
        first_name="Ana",
        required=True,
        link_url="https://portal.example/timesheets/1/",
        settings_url="https://portal.example/messages/settings/",
        unsubscribe_url="",
    )
    assert "&lt;script&gt;x&lt;/script&gt; &amp; more" in email.html
    assert "<script>" not in email.html
    assert '<html lang="en">' in email.html
    assert "https://portal.example/timesheets/1/" in email.text
