"""`manage.py import_cases`: output, exit status, --dry-run, progress and --help."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connections

from ihss.cases import importing
from ihss.cases.management.commands import import_cases
from ihss.cases.models import ImportJob, Recipient
from ihss.cases.tests.test_import import (
    SAMPLE_FILES,
    SSN_DIGITS,
    nothing_imported,
    provider,
    recipient,
    write_csv,
)
from ihss.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_cases", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def keep_test_connection(monkeypatch):
    """run_from_argv closes every connection when done, which ends the test's transaction."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def exit_status(*args: str) -> int:
    """Run the command as `manage.py` does (in this process) and return its exit status."""
    try:
        ManagementUtility(["manage.py", "import_cases", *args]).execute()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_the_command_imports_the_samples_and_says_what_it_created():
    out, err = command(*map(str, SAMPLE_FILES))
    job = ImportJob.objects.get()
    assert out.strip() == (
        f"Imported 10 rows (import #{job.pk}): created 3 recipients, 4 authorized hours "
        "records, 3 providers, 4 assignments."
    )
    assert err == ""
    assert job.status == ImportJob.Status.SUCCEEDED and job.created_by is None
    assert AuditEvent.objects.filter(reason__startswith=f"Import #{job.pk}: ").count() == 10


def test_a_bad_row_prints_the_report_imports_nothing_and_exits_1(tmp_path, capsys):
    rows = [recipient(), recipient(case_number="12", ssn="521-49-0002")]
    bad = write_csv(tmp_path, "recipients.csv", rows)
    status = exit_status(str(bad))
    captured = capsys.readouterr()
    assert status == 1
    assert "recipients.csv, row 3, column case_number: A case number is exactly 7 digits" in (
        captured.err
    )
    assert "1 problem found. Nothing was imported." in captured.err
    assert nothing_imported()
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED


def test_call_command_raises_with_the_count_of_problems(tmp_path):
    bad = write_csv(tmp_path, "r.csv", [recipient(first_name="", last_name="")])
    with pytest.raises(CommandError, match=r"^2 problems found\. Nothing was imported\.$"):
        command(str(bad))


def test_dry_run_checks_and_writes_nothing(tmp_path):
    out, _err = command("--dry-run", *map(str, SAMPLE_FILES))
    assert "All 10 rows are ready to import; nothing was written (--dry-run)" in out
    assert nothing_imported()
    assert not ImportJob.objects.exists()


def test_dry_run_of_a_bad_file_exits_1_and_writes_nothing(tmp_path, capsys):
    bad = write_csv(tmp_path, "providers.csv", [provider(status="retired")])
    assert exit_status("--dry-run", str(bad)) == 1
    assert "column status: Use one of" in capsys.readouterr().err
    assert not ImportJob.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path, capsys):
    assert exit_status(str(tmp_path / "nope.csv")) == 1
    assert "Cannot read" in capsys.readouterr().err


def test_long_imports_print_progress_honouring_verbosity(tmp_path, monkeypatch):
    monkeypatch.setattr(import_cases, "PRINT_EVERY", 10)
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 5)
    rows = [recipient(case_number=f"34003{i:02d}", ssn=f"521-49-{i + 1:04d}") for i in range(25)]
    path = write_csv(tmp_path, "recipients.csv", rows)
    out, _err = command(str(path))
    assert "Checked 10 of 25 rows.\nChecked 20 of 25 rows.\n" in out
    assert "Saved 25 of 25 rows." in out
    more = [recipient(case_number=f"34004{i:02d}", ssn=f"521-48-{i + 1:04d}") for i in range(25)]
    quiet, _err = command(str(write_csv(tmp_path, "more.csv", more)), "--verbosity", "0")
    assert quiet == ""
    assert Recipient.objects.count() == 50


def test_help_describes_the_files_and_dry_run(capsys):
    assert exit_status("--help") == 0
    text = capsys.readouterr().out
    assert "FILE.csv" in text and "--dry-run" in text and "docs/import-format.md" in text


def test_no_ssn_digits_reach_the_output_or_the_log(tmp_path, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    rows = [
        recipient(phone="521-49-0001"),
        recipient(case_number="3400202"),  # the same SSN as row 2
        recipient(case_number="3400203", ssn="521-49-00x3"),
    ]
    bad = write_csv(tmp_path, "recipients.csv", rows)
    assert exit_status(str(bad)) == 1
    good = write_csv(tmp_path, "good.csv", [recipient(case_number="3400204")])
    assert exit_status(str(good), "--verbosity", "2") == 0
    captured = capsys.readouterr()
    text = captured.out + captured.err + caplog.text
    assert "The SSN on row 3 is also on row 2." in text
    assert not SSN_DIGITS.search(text), text


def test_manage_py_exits_0_or_1_in_a_real_process(tmp_path):
    """The real thing: a fresh SQLite database in tmp_path, `manage.py` in a subprocess."""
    (tmp_path / "var").mkdir()
    env = dict(os.environ, IHSS_ENV="test", IHSS_VAR_DIR=str(tmp_path / "var"))
    env.pop("DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "ihss.settings"
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    bad = write_csv(tmp_path, "recipients.csv", [recipient(case_number="123")])
    failed = subprocess.run(
        [*manage, "import_cases", str(bad)], env=env, capture_output=True, text=True
    )
    assert failed.returncode == 1
    assert "row 2, column case_number" in failed.stderr
    assert "Nothing was imported." in failed.stderr
    done = subprocess.run(
        [*manage, "import_cases", *map(str, SAMPLE_FILES)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "created 3 recipients" in done.stdout


def test_the_command_keeps_the_same_limits_and_imports_nothing_over_them(settings, tmp_path):
    settings.IMPORT_MAX_FILES = 2
    with pytest.raises(CommandError, match="At most 2 files can be imported at a time"):
        command(*map(str, SAMPLE_FILES))
    settings.IMPORT_MAX_FILES = 10
    settings.IMPORT_MAX_FILE_BYTES = 100
    with pytest.raises(CommandError, match=r"recipients.csv is larger than 0 MB"):
        command(str(SAMPLE_FILES[0]))
    settings.IMPORT_MAX_FILE_BYTES = 50 * 1024 * 1024
    settings.IMPORT_MAX_ROWS = 9
    with pytest.raises(CommandError, match="1 problem found. Nothing was imported."):
        command(*map(str, SAMPLE_FILES))
    assert nothing_imported()
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED
