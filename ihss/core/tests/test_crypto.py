from cryptography.fernet import Fernet
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
