import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from ihss.core import crypto


def test_it_reads_back_what_it_encrypted_and_never_stores_the_clear_text():
    token = crypto.encrypt("521450001")
    assert "521450001" not in token
    assert crypto.decrypt(token) == "521450001"


def test_it_still_reads_old_values_after_a_new_key_is_put_first():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        token = crypto.encrypt("521450001")
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        assert crypto.decrypt(token) == "521450001"
        rotated = crypto.rotate(token)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):
        assert crypto.decrypt(rotated) == "521450001"


def test_each_value_is_sealed_with_a_fresh_nonce_so_equal_numbers_look_different():
    first, second = crypto.encrypt("521450001"), crypto.encrypt("521450001")
    assert first.startswith(crypto.PREFIX) and second.startswith(crypto.PREFIX)
    assert first != second
    assert crypto.decrypt(first) == crypto.decrypt(second) == "521450001"


def test_a_token_changed_by_one_character_is_refused_not_misread():
    token = crypto.encrypt("000123456789")
    body = token[len(crypto.PREFIX) :]
    for position in (2, 10, len(body) // 2, len(body) - 3):
        changed = body[:position] + ("A" if body[position] != "A" else "B") + body[position + 1 :]
        with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
            crypto.decrypt(crypto.PREFIX + changed)
    for broken in (crypto.PREFIX, crypto.PREFIX + "!!", crypto.PREFIX + body[:20], "not a token"):
        with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
            crypto.decrypt(broken)


def test_values_written_before_aes_gcm_still_read_under_the_same_keys():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    fernet_token = Fernet(old.encode()).encrypt(b"000123456789").decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        assert crypto.decrypt(fernet_token) == "000123456789"
        assert not crypto.is_current(fernet_token)
        rotated = crypto.rotate(fernet_token)
        assert rotated.startswith(crypto.PREFIX) and crypto.is_current(rotated)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):
        assert crypto.decrypt(rotated) == "000123456789"


def test_a_value_under_an_older_key_is_not_current_until_rotated():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        token = crypto.encrypt("521450001")
        assert crypto.is_current(token)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        assert not crypto.is_current(token)
        assert crypto.is_current(crypto.rotate(token))
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):
        assert not crypto.is_current(token)
        with pytest.raises(ImproperlyConfigured, match="rotate_field_keys"):
            crypto.decrypt(token)


def test_a_key_listed_twice_is_one_key():
    key = Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[key, key]):
        token = crypto.encrypt("521450001")
        assert crypto.decrypt(token) == "521450001"
        assert crypto.is_current(token)


def test_keys_that_are_not_fernet_keys_are_refused_with_how_to_make_one():
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=["not a key"]),
        pytest.raises(ImproperlyConfigured, match="generate_key"),
    ):
        crypto.encrypt("521450001")


def test_the_blind_index_matches_however_the_number_was_typed():
    assert crypto.blind_index("521-45-0001", purpose="ssn") == crypto.blind_index(
        "521450001", purpose="ssn"
    )


def test_the_blind_index_depends_on_its_key_and_purpose():
    plain = crypto.blind_index("521450001", purpose="ssn")
    assert plain != crypto.blind_index("521450001", purpose="bank")
    with override_settings(BLIND_INDEX_KEY="another key"):
        assert crypto.blind_index("521450001", purpose="ssn") != plain


def test_masks_show_only_the_last_four_digits():
    assert crypto.mask("0001") == "***-**-0001"
    assert crypto.mask("5678", width=12) == "****5678"
    assert crypto.mask("") == ""


def test_a_decrypting_process_answers_each_list_in_the_order_sent():
    tokens = [crypto.encrypt(f"00012345{n}") for n in range(5)]
    with crypto.DecryptingProcess() as decrypting:
        decrypting.send(tokens[:3])
        decrypting.send([])
        decrypting.send([tokens[3], "", None, tokens[4]])
        assert decrypting.receive() == ["000123450", "000123451", "000123452"]
        assert decrypting.receive() == []
        assert decrypting.receive() == ["000123453", "", "", "000123454"]


def test_a_value_the_keys_cannot_open_is_raised_where_it_is_received_and_nothing_is_lost():
    other = Fernet(Fernet.generate_key()).encrypt(b"000999").decode()
    with crypto.DecryptingProcess() as decrypting:
        decrypting.send([crypto.encrypt("000111"), other])
        decrypting.send([crypto.encrypt("000222")])
        with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
            decrypting.receive()
        assert decrypting.receive() == ["000222"]  # the next list still answered


def test_a_decrypting_process_ends_when_the_process_that_started_it_is_killed(tmp_path):
    script = tmp_path / "start_then_die.py"
    script.write_text(
        textwrap.dedent(
            """
            import os, signal, sys
            import django
            django.setup()
            from ihss.core import crypto

            decrypting = crypto.DecryptingProcess()
            print(decrypting._process.pid, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)  # never closes it
            """
        )
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ihss.settings_test",
        "IHSS_ENV": "test",
        "PYTHONPATH": str(Path(settings.BASE_DIR)),
    }
    killed = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    child = int(killed.stdout.split()[0])

    def running() -> bool:
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False  # gone (reaped)
        return state not in ("Z", "X")  # a zombie has ended

    deadline = time.monotonic() + 10
    while running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running()
