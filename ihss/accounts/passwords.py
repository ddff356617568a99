"""The password policy: NIST SP 800-63B-4, section 3.1.1 (docs/adr/0009-password-policy.md).

Long rather than complicated: at least 15 characters while the password is the only
factor, 8 once a second factor is enrolled, up to 128, any characters (spaces and every
language included), counted as Unicode code points after NFKC normalization; no
composition rules and no expiry. What is refused is what attackers try first, each with
its own reason in the person's language:

- passwords on the offline lists (Django's 20,000 common passwords and our own list of
  famous passphrases);
- passwords the strength estimator (zxcvbn) can guess quickly: common words with numbers,
  keyboard rows, repeats, dates, the person's own name or the portal's name;
- with PWNED_PASSWORDS_URL set, passwords found in breaches (the Have I Been Pwned range
  API: only the first 5 hex characters of the SHA-1 leave the server).

These are Django password validators (settings.AUTH_PASSWORD_VALIDATORS), so every form
that sets a password applies them; `assess()` runs the same ones for the strength meter.
Nothing here logs a password, its hash or any part of either.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import logging
import threading
import unicodedata
import urllib.request
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

DJANGO_COMMON_PASSWORDS = (
    Path(password_validation.__file__).resolve().parent / "common-passwords.txt.gz"
)
KNOWN_PASSPHRASES = Path(__file__).resolve().parent / "data" / "known-passphrases.txt"

# Words anyone guessing a password for this portal tries along with the person's own.
PORTAL_WORDS = (
    "ihss",
    "in home supportive services",
    "inhomesupportiveservices",
    "wpcs",
    "california",
    "calif",
    "portal",
    "esp",
    "cdss",
    "caregiver",
    "provider",
    "recipient",
    "timesheet",
    "county",
)

# zxcvbn's matching grows quickly with length; its own guard is 72 characters. A longer
# password is estimated on its first 72 (a prefix is never stronger than the whole).
ESTIMATOR_MAX_LENGTH = 72


def normalize(password: str) -> str:
    """NFKC, as NIST asks: the same text typed on any keyboard is the same password."""
    return unicodedata.normalize("NFKC", password)


def minimum_length(user: Any, *, single_factor: int = 15, with_second_factor: int = 8) -> int:
    has_second_factor = getattr(user, "has_second_factor", None)
    if callable(has_second_factor) and has_second_factor():
        return with_second_factor
    return single_factor


class LengthValidator:
    """15 characters (8 with a second factor) to 128, counted as code points after NFKC.

    The maximum only bounds the work of the checks; NIST asks for at least 64 and Argon2
    hashes any length (it has none of bcrypt's 72-byte limit).
    """

    def __init__(
        self, min_length: int = 15, min_length_with_second_factor: int = 8, max_length: int = 128
    ) -> None:
        self.min_length = min_length
        self.min_length_with_second_factor = min_length_with_second_factor
        self.max_length = max_length

    def minimum_for(self, user: Any) -> int:
        return minimum_length(
            user,
            single_factor=self.min_length,
            with_second_factor=self.min_length_with_second_factor,
        )

    def validate(self, password: str, user: Any = None) -> None:
        length = len(normalize(password))
        minimum = self.minimum_for(user)
        if length < minimum:
            raise ValidationError(
                ngettext(
                    "This password is too short: use at least %(minimum)d characters "
                    "(it has %(length)d).",
                    "This password is too short: use at least %(minimum)d characters "
                    "(it has %(length)d).",
                    minimum,
                )
                % {"minimum": minimum, "length": length},
                code="password_too_short",
            )
        if length > self.max_length:
            raise ValidationError(
                _("This password is too long: use at most %(maximum)d characters.")
                % {"maximum": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _(
            "Use at least %(minimum)d characters, any you like, spaces too "
            "(%(second)d once you have a second factor)."
        ) % {"minimum": self.min_length, "second": self.min_length_with_second_factor}


def _forms(password: str) -> set[str]:
    """The ways a password is compared with a list: capitals and spaces do not matter."""
    folded = normalize(password).casefold().strip()
    return {folded, " ".join(folded.split()), "".join(folded.split())}


@cache
def known_passwords() -> frozenset[str]:
    """Django's common-password list and our famous passphrases, folded like `_forms`."""
    with gzip.open(DJANGO_COMMON_PASSWORDS, "rt", encoding="utf-8") as common:
        words = {line.strip() for line in common if line.strip()}
    for line in KNOWN_PASSPHRASES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words |= _forms(line)
    return frozenset(words)


def is_known(password: str) -> bool:
    return not _forms(password).isdisjoint(known_passwords())


class KnownPasswordValidator:
    """Refuses the passwords on the offline lists, whatever their capitals and spaces."""

    def validate(self, password: str, user: Any = None) -> None:
        if is_known(password):
            raise ValidationError(
                _(
                    "This password is on lists of passwords stolen from other sites, so "
                    "attackers try it first. Choose another."
                ),
                code="password_known",
            )

    def get_help_text(self) -> str:
        return _("It cannot be a password that is on lists of stolen passwords.")


# --- The strength estimator ----------------------------------------------------------------

# Our own words for what the estimator found, so the reason is specific and translated
# (its feedback is English only and is never shown).
REASONS = {
    "personal": lambda: _(
        "This password is too easy to guess: it uses your name, username or email address, "
        "or the portal's name."
    ),
    "common_with_numbers": lambda: _(
        "This password is too easy to guess: it is a common word with numbers."
    ),
    "common": lambda: _("This password is too easy to guess: it is close to a common password."),
    "lookalike": lambda: _(
        "This password is too easy to guess: swapping letters for look-alike numbers or "
        "symbols, like 0 for o, does not fool attackers."
    ),
    "reversed": lambda: _("This password is too easy to guess: it is a common word backwards."),
    "names": lambda: _("This password is too easy to guess: it is mostly common names."),
    "words": lambda: _(
        "This password is too easy to guess: it is one or two common words. Add another "
        "unrelated word."
    ),
    "keyboard": lambda: _(
        "This password is too easy to guess: it is a row or pattern of keys, like qwerty."
    ),
    "repeat": lambda: _(
        "This password is too easy to guess: it repeats characters or words, like aaa or abcabc."
    ),
    "sequence": lambda: _(
        "This password is too easy to guess: it is a sequence, like abcd or 9876."
    ),
    "date": lambda: _("This password is too easy to guess: it is mostly a date or a year."),
    "other": lambda: _("This password is too easy to guess. Add another unrelated word or two."),
}


@dataclass(frozen=True)
class Estimate:
    score: int  # 0 (guessed at once) to 4 (more than 10^10 guesses), as zxcvbn scores
    reason: str  # a key of REASONS: what makes it guessable
    guesses_log10: float = 0.0
    personal_share: float = 0.0  # how much of it is the person's or the portal's own words


def context_words(user: Any) -> list[str]:
    """What an attacker who knows the person and the portal tries first (theirs first)."""
    words: list[str] = []
    for attribute in ("username", "first_name", "last_name", "email"):
        value = str(getattr(user, attribute, "") or "").strip()
        if not value:
            continue
        words.append(value)
        if attribute == "email":
            local = value.split("@", 1)[0]
            words.append(local)
            words.extend(part for part in local.replace("_", ".").replace("-", ".").split("."))
        elif attribute == "username":
            words.extend(value.replace("_", ".").replace("-", ".").split("."))
    words.extend(PORTAL_WORDS)
    return list(dict.fromkeys(word.casefold() for word in words if len(word) >= 3))


_estimator_lock = threading.Lock()


def estimate(password: str, user: Any = None) -> Estimate:
    """How guessable the password is, and why, by zxcvbn."""
    from zxcvbn import zxcvbn

    text = normalize(password)[:ESTIMATOR_MAX_LENGTH]
    # Attackers try word lists with and without spaces; zxcvbn counts each space as a
    # random character, so the form without spaces is estimated too and the weaker counts.
    forms = dict.fromkeys([text, "".join(text.split())])
    words = context_words(user)
    results = []
    # zxcvbn keeps the user's words in a module-level dictionary during a call: one at a time.
    with _estimator_lock:
        for form in forms:
            if form:
                results.append(zxcvbn(form, user_inputs=words, max_length=ESTIMATOR_MAX_LENGTH))
    weakest = min(results, key=lambda result: float(result["guesses"]))
    # A name may be found in zxcvbn's own lists of names first: count it as theirs anyway.
    own = set(words)
    personal = sum(
        len(match["token"])
        for match in weakest["sequence"]
        if match.get("dictionary_name") == "user_inputs"
        or str(match.get("matched_word", match["token"])).casefold() in own
    )
    return Estimate(
        score=int(weakest["score"]),
        reason=_reason(weakest["sequence"]),
        guesses_log10=float(weakest["guesses_log10"]),
        personal_share=personal / max(1, len(weakest["password"])),
    )


def _reason(sequence: list[dict[str, Any]]) -> str:
    found = [m for m in sequence if m["pattern"] != "bruteforce"]
    if not found:
        return "other"
    main = max(found, key=lambda m: len(m["token"]))
    if main.get("dictionary_name") == "user_inputs":
        return "personal"
    digits = [m for m in sequence if str(m["token"]).isdigit()]
    words = [m for m in sequence if m["pattern"] == "dictionary" and not m["token"].isdigit()]
    if digits and words and len(digits) + len(words) == len(sequence):
        return "common_with_numbers"
    pattern = main["pattern"]
    if pattern == "dictionary":
        if main.get("l33t"):
            return "lookalike"
        if main.get("reversed"):
            return "reversed"
        if main.get("dictionary_name") == "passwords":
            return "common"
        if main.get("dictionary_name") in {"female_names", "male_names", "surnames"}:
            return "names"
        return "words"
    return {
        "spatial": "keyboard",
        "repeat": "repeat",
        "sequence": "sequence",
        "regex": "date",
        "date": "date",
    }.get(pattern, "other")


class GuessabilityValidator:
    """Refuses what zxcvbn scores below `min_score` (3: about 10^8 guesses), with why.

    With a second factor enrolled, `min_score_with_second_factor` (2: about 10^6 guesses):
    zxcvbn never scores 8 characters above 2, and the password is then not alone.
    Also refuses a password that is half or more the person's own words (username,
    names, email) or the portal's: zxcvbn scores any three parts at least 10^8, so
    "danielortiz12345" would otherwise pass for Daniel Ortiz.
    """

    def __init__(
        self,
        min_score: int = 3,
        min_score_with_second_factor: int = 2,
        max_personal_share: float = 0.5,
    ) -> None:
        self.min_score = min_score
        self.min_score_with_second_factor = min_score_with_second_factor
        self.max_personal_share = max_personal_share

    def validate(self, password: str, user: Any = None) -> None:
        if not password or is_known(password):
            return  # the list's own reason says it better
        if len(normalize(password)) < minimum_length(user):
            return  # "too short" comes first; one reason at a time is easier to act on
        result = estimate(password, user)
        if result.personal_share >= self.max_personal_share:
            raise ValidationError(REASONS["personal"](), code="password_guessable_personal")
        minimum = minimum_length(
            user, single_factor=self.min_score, with_second_factor=self.min_score_with_second_factor
        )
        if result.score < minimum:
            raise ValidationError(
                REASONS[result.reason](), code=f"password_guessable_{result.reason}"
            )

    def get_help_text(self) -> str:
        return _(
            "It cannot be easy to guess: not your name, a common word with numbers, or a date."
        )


# --- The breach lookup ----------------------------------------------------------------------


def breach_count(password: str, *, url: str, timeout: float) -> int | None:
    """How often the password appears in Have I Been Pwned's corpus; None if unknown.

    k-anonymity: only the first 5 hex characters of the SHA-1 are sent; the answer lists
    every suffix with that prefix, padded with fake ones of count 0 (Add-Padding), so
    neither the request nor the size of the answer tells which password was checked.
    """
    digest = hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()
    prefix, suffix = digest[:5], digest[5:]
    request = urllib.request.Request(  # noqa: S310 - the address is PWNED_PASSWORDS_URL, http(s) only
        url + prefix,
        headers={"Add-Padding": "true", "User-Agent": "IHSS-Portal-password-check"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(4_000_000).decode("utf-8", errors="replace")
    except (OSError, ValueError, http.client.HTTPException) as error:
        # Never the address: it ends with the prefix of the hash.
        logger.warning(
            "Pwned Passwords lookup failed (%s); only the offline password checks ran.",
            type(error).__name__,
        )
        return None
    for line in body.splitlines():
        candidate, _sep, count = line.partition(":")
        if candidate.strip().upper() == suffix:
            try:
                return int(count.strip())
            except ValueError:
                return None
    return 0


class PwnedPasswordsValidator:
    """Refuses passwords found in breaches, when PWNED_PASSWORDS_URL is set.

    When the service does not answer in PWNED_PASSWORDS_TIMEOUT seconds, the password is
    judged by the offline checks alone (and a warning is logged): an outage elsewhere
    does not stop people registering or resetting.
    """

    def validate(self, password: str, user: Any = None) -> None:
        url = settings.PWNED_PASSWORDS_URL
        if not url or not password or is_known(password):
            return
        count = breach_count(normalize(password), url=url, timeout=settings.PWNED_PASSWORDS_TIMEOUT)
        if count:
            raise ValidationError(
                _(
                    "This password has appeared in data breaches of other sites, so attackers "
                    "will try it. Choose another, and change it anywhere you use it."
                ),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _("It cannot be a password that has appeared in a data breach.")


# --- For the strength meter ------------------------------------------------------------------


@dataclass
class Assessment:
    level: str  # "empty", "too_short", "weak", "good" or "strong"
    messages: list[str] = field(default_factory=list)

    @property
    def acceptable(self) -> bool:
        return self.level in {"good", "strong"}


def assess(password: str, user: Any = None, *, online: bool = False) -> Assessment:
    """The verdict of the configured validators on a password, for the strength meter.

    The same validators as any form that sets a password; the breach lookup only when
    `online` (the meter leaves it to the submit: see ADR 0009).
    """
    if not password:
        return Assessment(level="empty")
    messages: list[str] = []
    too_short = False
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, PwnedPasswordsValidator) and not online:
            continue
        try:
            validator.validate(password, user)
        except ValidationError as error:
            too_short = too_short or error.code == "password_too_short"
            messages.extend(str(message) for message in error.messages)
    if too_short:
        return Assessment(level="too_short", messages=messages)
    if messages:
        return Assessment(level="weak", messages=messages)
    strong = estimate(password, user).score >= 4
    return Assessment(level="strong" if strong else "good")
