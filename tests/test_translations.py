"""Each translation (Spanish today) is complete, compiled, and covers every string in the code.

For every language in settings.LANGUAGES but English:
- always: ihss/locale/<ll>/LC_MESSAGES/django.po has no untranslated or fuzzy entry (every
  plural form filled in), each translation keeps its placeholders and HTML tags, and
  django.mo holds exactly the .po's translations, which Django then serves;
- when GNU gettext is installed: a fresh `makemessages` over a copy of ihss/ finds no
  string that the committed .po lacks ("strings lacking a translation").

To fix a failure: `make messages`, translate what is empty or fuzzy in the .po, then
`make messages` again (see docs/translations.md).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "ihss" / "locale"
LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
HOW_TO_FIX = "run `make messages`, translate, run `make messages` again (docs/translations.md)"

PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sdifr%]")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _po(language: str) -> Path:
    return LOCALE / translation.to_locale(language) / "LC_MESSAGES" / "django.po"


def _catalog(language: str) -> polib.POFile:
    po = _po(language)
    assert po.is_file(), f"{po.relative_to(ROOT)} is missing: {HOW_TO_FIX}"
    return polib.pofile(str(po))


def _entries(catalog: polib.POFile | polib.MOFile) -> list[polib.POEntry]:
    return [e for e in catalog if e.msgid and not getattr(e, "obsolete", False)]


def _key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _name(entry: polib.POEntry) -> str:
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt else ""
    return f"{entry.msgid!r}{context}"


def _nplurals(catalog: polib.POFile) -> int:
    found = re.search(r"nplurals\s*=\s*(\d+)", catalog.metadata.get("Plural-Forms", ""))
    assert found, f"{catalog.fpath} has no Plural-Forms header"
    return int(found.group(1))


def _translation(entry: polib.POEntry) -> str | tuple[tuple[int, str], ...]:
    if entry.msgid_plural:
        return tuple(sorted((int(i), s) for i, s in entry.msgstr_plural.items()))
    return entry.msgstr


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated(language):
    catalog = _catalog(language)
    nplurals = _nplurals(catalog)
    problems = []
    for entry in _entries(catalog):
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy (check the guess, then delete the fuzzy flag): {_name(entry)}")
        elif entry.msgid_plural:
            empty = [i for i in range(nplurals) if not entry.msgstr_plural.get(i)]
            if empty:
                problems.append(f"plural form(s) {empty} untranslated: {_name(entry)}")
        elif not entry.msgstr:
            problems.append(f"untranslated: {_name(entry)}")
    assert problems == [], (
        f"{len(problems)} entries of {_po(language).relative_to(ROOT)} need a translator "
        f"({HOW_TO_FIX}):\n  " + "\n  ".join(problems)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders_and_tags(language):
    problems = []
    for entry in _entries(_catalog(language)):
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        targets = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for pattern, what in [(PLACEHOLDER, "placeholders"), (TAG, "HTML tags")]:
            wanted = Counter(pattern.findall(sources[-1]))
            for target in filter(None, targets):
                found = Counter(pattern.findall(target))
                # A singular may leave out the count ("one problem" for "%(n)s problem").
                if entry.msgid_plural and what == "placeholders":
                    ok = set(found) <= set(wanted) | set(pattern.findall(sources[0]))
                else:
                    ok = found == wanted
                if not ok:
                    problems.append(f"{_name(entry)} -> {target!r}: {what} differ")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_matches_the_po_file(language):
    """django.mo holds exactly the .po's finished translations.

    Compared by content rather than by date: git does not keep file times, so after a
    checkout the .mo may look older than the .po whatever their contents.
    """
    mo = _po(language).with_suffix(".mo")
    assert mo.is_file(), f"{mo.relative_to(ROOT)} is missing: {HOW_TO_FIX}"
    expected = {_key(e): _translation(e) for e in _catalog(language).translated_entries()}
    compiled = {_key(e): _translation(e) for e in _entries(polib.mofile(str(mo)))}
    not_compiled = sorted(k[1] for k in expected.keys() - compiled.keys())
    stale = sorted(k[1] for k in compiled.keys() - expected.keys())
    changed = sorted(k[1] for k in expected.keys() & compiled.keys() if expected[k] != compiled[k])
    assert (not_compiled, stale, changed) == ([], [], []), (
        f"{mo.relative_to(ROOT)} is out of date with its .po ({HOW_TO_FIX}):\n"
        f"  in the .po but not the .mo: {not_compiled}\n"
        f"  in the .mo but no longer in the .po: {stale}\n"
        f"  translated differently: {changed}"
    )


def _django_says(entry: polib.POEntry) -> str:
    if entry.msgid_plural:
        if entry.msgctxt:
            return translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
        return translation.ngettext(entry.msgid, entry.msgid_plural, 1)
    if entry.msgctxt:
        return translation.pgettext(entry.msgctxt, entry.msgid)
    return translation.gettext(entry.msgid)


@pytest.mark.parametrize("language", LANGUAGES)
def test_django_serves_the_catalog(language):
    """Through LOCALE_PATHS, ahead of Django's own catalogs for the strings we share."""
    wrong = []
    with translation.override(language):
        for entry in _catalog(language).translated_entries():
            want = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
            got = _django_says(entry)
            if got != want:
                wrong.append(f"{_name(entry)}: Django says {got!r}, the catalog {want!r}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="GNU gettext (xgettext) is not installed, so the strings in the code cannot be "
    "extracted (apt-get install gettext)",
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_in_the_code_has_a_translation(tmp_path, language):
    """A fresh extraction, as `make messages` does it, finds nothing the .po lacks."""
    copy = tmp_path / "ihss"
    shutil.copytree(
        ROOT / "ihss",
        copy,
        ignore=shutil.ignore_patterns("vendor", "node_modules", "locale", "__pycache__"),
    )
    (copy / "locale").mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ihss.settings_test",
        "IHSS_ENV": "test",
        "IHSS_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", language, "--no-location"]
        + ["--ignore", "static/*", "--ignore", "node_modules/*"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    fresh = copy / "locale" / translation.to_locale(language) / "LC_MESSAGES" / "django.po"
    assert fresh.is_file(), f"makemessages wrote no catalog in the copy: {result.stdout}"

    committed = {_key(e) for e in _entries(_catalog(language))}
    lacking = [e for e in _entries(polib.pofile(str(fresh))) if _key(e) not in committed]
    assert lacking == [], (
        f"{len(lacking)} strings lack a translation in {_po(language).relative_to(ROOT)} "
        f"({HOW_TO_FIX}):\n  " + "\n  ".join(_name(e) for e in lacking)
    )
