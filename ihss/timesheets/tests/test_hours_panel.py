"""The live hours panel of the week page (issue 14, item 7).

A provider with 68 h in a week across IHSS and WPCS saw "60 h of at most 66 h": the WPCS
hours and the IHSS + WPCS limit (70 h 45 min) were missing, and a provider over a limit
read "0 h left". Screen readers heard the panel from a region re-created on every check.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import translation

from ihss import test as cast
from ihss.core.models import ProgramParameter
from ihss.timesheets import services
from ihss.timesheets.tests.conftest import H
from ihss.timesheets.tests.test_views import day_fields

NOV_8 = dt.date(2026, 11, 8)
WEEK = [NOV_8 + dt.timedelta(days=i) for i in range(7)]


def with_wpcs(world, wpcs_minutes: int):
    """Ana with 50 h of IHSS for Wei and `wpcs_minutes` of WPCS for Rosa on Nov 8."""
    cast.authorize(world.recipients[0], 283 * H, program="WPCS")
    cast.assign(world.provider, world.recipients[0], 283 * H, program="WPCS")
    world.fill(world.open(0, NOV_8, program="WPCS"), {NOV_8: wpcs_minutes})
    world.fill(world.open(1, NOV_8), {d: 10 * H for d in WEEK[1:6]})
    return world.open(0, NOV_8)


def check(client, sheet, typed: dict[dt.date, int]) -> str:
    fields: dict[str, str] = {}
    for day, minutes in typed.items():
        fields |= day_fields(day, minutes // H, minutes % H, "08:00", "23:00", "home")
    with translation.override("en"):
        answer = client.post(
            f"/timesheets/{sheet.pk}/week/2026-11-08/check/", fields, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert answer.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", answer.content.decode()))


def test_the_panel_counts_wpcs_hours_against_the_combined_limit(world, client):
    sheet = with_wpcs(world, 8 * H)
    client.force_login(world.provider_user)
    text = check(client, sheet, {WEEK[6]: 10 * H})  # 60 h of IHSS, 68 h in all
    assert "Your IHSS hours this week, all recipients 60 h of at most 66 h: 6 h left" in text
    assert (
        "Your IHSS and WPCS hours together this week 68 h of at most 70 h 45 min: "
        "2 h 45 min left" in text
    )


def test_the_panel_says_how_far_over_a_limit_the_week_is(world, client):
    sheet = with_wpcs(world, 8 * H)
    client.force_login(world.provider_user)
    text = check(client, sheet, {NOV_8: 13 * H, WEEK[6]: 13 * H})  # 76 h of IHSS, 84 h in all
    assert "76 h of at most 66 h: 10 h over" in text
    assert "84 h of at most 70 h 45 min: 13 h 15 min over" in text
    assert "0 h left" not in text


def test_the_combined_limit_comes_from_the_program_parameter(world, client):
    ProgramParameter.objects.create(
        key="combined_weekly_cap",
        effective_from=dt.date(2026, 11, 1),
        value=72 * H,
        unit="minutes",
        description="A changed limit",
    )
    sheet = with_wpcs(world, 8 * H)
    client.force_login(world.provider_user)
    text = check(client, sheet, {WEEK[6]: 10 * H})
    assert "68 h of at most 72 h: 4 h left" in text


def test_a_week_without_wpcs_hours_shows_no_combined_limit(world, client):
    sheet = world.open(0, NOV_8)
    client.force_login(world.provider_user)
    text = check(client, sheet, {NOV_8: 8 * H})
    assert "WPCS" not in text and "Your hours this week, all recipients 8 h" in text
    _refusals, left = services.check(sheet, replace={NOV_8: 8 * H})
    week = next(w for w in left.weeks if w.week.start == NOV_8)
    assert (week.wpcs_total, week.combined_cap, week.combined_over) == (0, None, 0)


def test_changes_are_announced_from_one_stable_live_region(world, client):
    sheet = world.open(0, NOV_8)
    client.force_login(world.provider_user)
    page = client.get(f"/timesheets/{sheet.pk}/week/2026-11-08/").content.decode()
    form = page[page.index("<form method=") :]
    assert form.count("aria-live") == 1
    assert re.search(r'id="hours-announce"[^>]*aria-live="polite"', form)
    # Outside the panel that each check replaces.
    assert 'id="hours-announce"' not in form[form.index('id="hours-live"') : form.index("</dl>")]
    with translation.override("en"):
        answer = client.post(
            f"/timesheets/{sheet.pk}/week/2026-11-08/check/", day_fields(NOV_8, 8, 0)
        ).content.decode()
    assert "aria-live" not in answer  # the swapped panel never re-creates a live region
    oob = re.search(r'<div id="hours-announce" hx-swap-oob="innerHTML">(.*)</div>', answer, re.S)
    assert oob and "Your hours this week:" in re.sub(r"<[^>]+>", "", oob.group(1))
