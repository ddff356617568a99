"""Helpers for the browser tests: Chromium's location, sign-in, axe-core and page checks.

Plain functions (no fixtures) so test modules import them by name; the fixtures that
use them are in conftest.py.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Debian's Chromium, launched by path (Playwright's own browsers are never downloaded).
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# WCAG 2.0, 2.1 and 2.2 at levels A and AA: the bar for a California state website
# (Gov. Code 7405, Section 508 refresh) and what the axe tests hold every page to.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def chromium_path() -> str | None:
    path = os.environ.get("IHSS_CHROMIUM", "")
    return path if path and Path(path).is_file() else None


def chromium_skip_reason() -> str:
    configured = os.environ.get("IHSS_CHROMIUM", "")
    if configured:
        return f"IHSS_CHROMIUM={configured} does not exist (apt-get install chromium)"
    return (
        "browser tests need Chromium: set IHSS_CHROMIUM=/usr/bin/chromium "
        "(scripts/run_tests.py does when Chromium is installed)"
    )


# Put on every browser test module: `pytestmark = [pytest.mark.browser, needs_chromium]`.
needs_chromium = pytest.mark.skipif(chromium_path() is None, reason=chromium_skip_reason())


def sign_in(page: Any, username: str, password: str) -> None:
    """Sign in through the real sign-in form, as a person would, and wait for the home page."""
    page.goto("/sign-in/")
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    if "/sign-in/" in page.url:
        errors = page.locator("#form-errors").all_inner_texts()
        raise AssertionError(f"sign-in as {username!r} failed: {errors or page.title()}")


_axe_source: str | None = None


def _inject_axe(page: Any) -> None:
    """Load axe-core into the page without weakening the page's CSP.

    page.add_script_tag(path=...) inserts an inline <script> without the page's nonce,
    which our CSP (script-src 'self' 'nonce-...') rightly refuses. bypass_csp=True would
    work, but it would also hide every real CSP violation, which these same tests check.
    So the source is evaluated through the DevTools protocol instead: evaluation from
    the automation channel is not subject to the page's CSP and leaves no inline script.
    """
    global _axe_source
    if page.evaluate("() => typeof window.axe === 'object'"):
        return
    if _axe_source is None:
        if not AXE_JS.is_file():
            raise AssertionError(f"{AXE_JS} is missing: run `make` (npm ci installs axe-core)")
        _axe_source = AXE_JS.read_text(encoding="utf-8")
    page.evaluate(_axe_source + "\n;undefined")


def axe_violations(page: Any) -> list[str]:
    """Run axe-core (WCAG 2.0-2.2 A/AA rules) on the page; one readable string per violation."""
    _inject_axe(page)
    result = page.evaluate(
        """async (tags) => {
            const r = await window.axe.run(document, {
                runOnly: {type: 'tag', values: tags},
                resultTypes: ['violations'],
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({
                    target: n.target, html: n.html, summary: n.failureSummary,
                })),
            }));
        }""",
        WCAG_TAGS,
    )
    return [format_violation(v) for v in result]


def format_violation(v: dict[str, Any]) -> str:
    lines = [f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>"]
    for node in v["nodes"][:10]:
        target = " >> ".join(json.dumps(t) if not isinstance(t, str) else t for t in node["target"])
        html = " ".join(node["html"].split())
        lines.append(f"    at {target}\n       {html[:200]}")
        summary = " ".join((node.get("summary") or "").split())
        if summary:
            lines.append(f"       {summary[:300]}")
    if len(v["nodes"]) > 10:
        lines.append(f"    ... and {len(v['nodes']) - 10} more elements")
    return "\n".join(lines)


def horizontal_overflow(page: Any, width: int) -> str | None:
    """None when the page fits `width`; otherwise which elements stick out, for the message."""
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width <= width + 1:
        return None
    wide = page.evaluate(
        """(width) => Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > width + 1
                && getComputedStyle(e).visibility !== 'hidden'
                && e.getClientRects().length)
            .filter(e => !e.parentElement
                || e.parentElement.getBoundingClientRect().right <= width + 1)
            .slice(0, 8)
            .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                + (e.className && typeof e.className === 'string'
                    ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                + ' (right edge ' + Math.round(e.getBoundingClientRect().right) + 'px)')""",
        width,
    )
    return f"page is {scroll_width}px wide at a {width}px viewport; too wide: {wide}"
