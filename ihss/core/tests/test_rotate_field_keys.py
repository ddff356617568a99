"""`manage.py rotate_field_keys`: re-encrypt stored values under the current key."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db.models import TextField, Value
from django.db.models.functions import Cast

from ihss import test as cast
from ihss.cases.models import Provider, Recipient
from ihss.core import crypto
from ihss.core.management.commands.rotate_field_keys import encrypted_fields

pytestmark = pytest.mark.django_db

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()
SSNS = ["521987601", "521987602", "521987603"]


def _raw(model):
    """Stored tokens by pk, read past the field's decryption."""
    rows = model.objects.annotate(raw=Cast("ssn", TextField())).values_list("pk", "raw")
    return dict(rows)


def _rotate(*args):
    out = StringIO()
    call_command("rotate_field_keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def people_under_the_old_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    recipients = [cast.make_recipient(ssn=SSNS[0]), cast.make_recipient(ssn=SSNS[1])]
    provider = cast.make_provider(ssn=SSNS[2])
    no_ssn = cast.make_recipient()
    Recipient.objects.filter(pk=no_ssn.pk).update(ssn="", ssn_last4="", ssn_index="")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    return recipients, provider


def _assert_no_ssn_in(output):
    for ssn in SSNS:
        assert ssn not in output
        assert ssn[:5] not in output
        assert f"{ssn[:3]}-{ssn[3:5]}" not in output
    assert "gAAAA" not in output and crypto.PREFIX not in output  # nor a token


def test_it_finds_every_encrypted_field_through_the_app_registry():
    found = {f"{model._meta.label}.{field.name}" for model, field in encrypted_fields()}
    assert {"cases.Recipient.ssn", "cases.Provider.ssn"} <= found


def test_values_under_an_old_key_read_with_the_new_key_alone_after_rotating(
    settings, people_under_the_old_key
):
    recipients, provider = people_under_the_old_key
    before = _raw(Recipient) | {("p", k): v for k, v in _raw(Provider).items()}
    output = _rotate("--batch-size", "1")

    assert "cases.Recipient.ssn: 2/2 checked, re-encrypted 2, 0 already current" in output
    assert "cases.Provider.ssn: 1/1 checked, re-encrypted 1, 0 already current" in output
    assert "3 re-encrypted" in output
    _assert_no_ssn_in(output)
    after = _raw(Recipient) | {("p", k): v for k, v in _raw(Provider).items()}
    assert [k for k in before if before[k] and before[k] == after[k]] == []

    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert [Recipient.objects.get(pk=r.pk).ssn for r in recipients] == SSNS[:2]
    assert Provider.objects.get(pk=provider.pk).ssn == SSNS[2]
    assert Recipient.objects.filter(ssn_last4="").get().ssn == ""


def test_it_is_idempotent(settings, people_under_the_old_key):
    _rotate()
    rotated = _raw(Recipient)
    output = _rotate("--batch-size", "2")
    assert "0 re-encrypted, 3 already under the current key" in output
    assert _raw(Recipient) == rotated


def test_new_values_written_meanwhile_are_left_as_they_are(settings, people_under_the_old_key):
    fresh = cast.make_recipient(ssn="521987604")  # written under NEW by the portal
    token = _raw(Recipient)[fresh.pk]
    output = _rotate()
    assert "cases.Recipient.ssn: 3/3 checked, re-encrypted 2, 1 already current" in output
    assert _raw(Recipient)[fresh.pk] == token


def test_a_dry_run_changes_nothing(settings, people_under_the_old_key):
    before = _raw(Recipient), _raw(Provider)
    output = _rotate("--dry-run", "--batch-size", "1")
    assert "would re-encrypt 2" in output
    assert "3 would be re-encrypted" in output
    _assert_no_ssn_in(output)
    assert (_raw(Recipient), _raw(Provider)) == before
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(ImproperlyConfigured):
        Recipient.objects.filter(ssn_last4="7601").get()


def test_a_value_no_key_can_read_stops_it_with_a_clear_message(settings, people_under_the_old_key):
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # OLD removed too early
    with pytest.raises(CommandError, match="cannot be decrypted") as failure:
        _rotate()
    _assert_no_ssn_in(str(failure.value))


def test_it_refuses_a_batch_size_below_one():
    with pytest.raises(CommandError, match="--batch-size"):
        _rotate("--batch-size", "0")


def test_values_written_before_aes_gcm_are_rewritten_even_under_the_current_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    recipient = cast.make_recipient(ssn=SSNS[0])
    fernet_token = Fernet(NEW.encode()).encrypt(SSNS[0].encode()).decode()
    Recipient.objects.filter(pk=recipient.pk).update(
        ssn=Value(fernet_token, output_field=TextField())
    )

    output = _rotate()

    assert "cases.Recipient.ssn: 1/1 checked, re-encrypted 1, 0 already current" in output
    token = _raw(Recipient)[recipient.pk]
    assert token.startswith(crypto.PREFIX) and crypto.is_current(token)
    assert Recipient.objects.get(pk=recipient.pk).ssn == SSNS[0]
