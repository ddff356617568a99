"""Demo data of accounts: one sign-in per role, with security answers and, for staff, an
authenticator app already set up (`manage.py demo_code USERNAME` prints its code).

Every name here is made up; the password and the app key are the demo's, never real.
"""

from __future__ import annotations

from typing import Any

from ihss.accounts import second_factor
from ihss.accounts.models import AuthenticatorApp, Membership, Role, SecurityAnswer, User
from ihss.accounts.registration import hash_answer
from ihss.core.demo import DemoContext

AFTER = ("cases",)  # memberships name the demo counties, providers and recipients

DEMO_PASSWORD = "sunlit kettle orchard ribbon"  # noqa: S105 - fictional demo sign-in
# Staff must use a second factor: their demo accounts come with an authenticator app
# already set up with this fictional key (`manage.py demo_code USERNAME` prints its code).
DEMO_APP_KEY = "IHSSDEMOSTAFFKEYIHSSDEMOSTAFFKEY"

# Every demo user's security answers (for trying "Forgot your password?"): fictional.
DEMO_ANSWERS = {"first_school": "Lincoln", "birth_city": "Fresno", "first_pet": "Rex"}

USERS: list[dict[str, Any]] = [
    dict(
        username="county.la",
        first="Teresa",
        last="Nguyen",
        email="county.la@example.org",
        roles=[(Role.COUNTY_STAFF, {"county": "19"})],
    ),
    dict(
        username="county.fresno",
        first="Luis",
        last="Garza",
        email="county.fresno@example.org",
        roles=[(Role.COUNTY_STAFF, {"county": "10"})],
    ),
    dict(
        username="provider.one",
        first="Ana",
        last="Reyes",
        email="ana.reyes@example.org",
        roles=[(Role.PROVIDER, {"provider": "190000001"})],
    ),
    dict(
        username="provider.three",
        first="James",
        last="Walker",
        email="james.walker@example.org",
        roles=[(Role.PROVIDER, {"provider": "190000002"})],
    ),
    # A provider who is also her mother's authorized representative: two roles.
    dict(
        username="provider.livein",
        first="Nare",
        last="Petrosyan",
        email="nare.petrosyan@example.org",
        roles=[
            (Role.PROVIDER, {"provider": "190000003"}),
            (Role.RECIPIENT, {"recipient": "1900005", "is_representative": True}),
        ],
    ),
    dict(
        username="provider.exempt",
        first="Mei",
        last="Lin",
        email="mei.lin@example.org",
        roles=[(Role.PROVIDER, {"provider": "100000004"})],
    ),
    dict(
        username="recipient",
        first="Rosa",
        last="Delgado",
        email="rosa.delgado@example.org",
        language="es",
        roles=[(Role.RECIPIENT, {"recipient": "1900001"})],
    ),
    dict(
        username="training",
        first="Grace",
        last="Adeyemi",
        email="training@example.org",
        roles=[(Role.TRAINING_PROVIDER, {"organization": "Golden Valley Caregiver Academy"})],
    ),
    dict(
        username="coach",
        first="Omar",
        last="Haddad",
        email="coach@example.org",
        roles=[(Role.COACH, {"organization": "Career Pathways Coaching"})],
    ),
    dict(
        username="servicedesk",
        first="Priya",
        last="Shah",
        email="servicedesk@example.org",
        roles=[(Role.SERVICE_DESK, {})],
    ),
    dict(
        username="state.admin",
        first="Helen",
        last="Brooks",
        email="state.admin@example.org",
        roles=[(Role.STATE_ADMIN, {})],
    ),
]


def load(context: DemoContext) -> None:
    created = _users(context)
    for user, _roles in created:
        context.keep("user", user.username, user)
    context.say("Demo sign-ins (all fictional):", heading=True)
    context.say(f"  password for every demo user: {DEMO_PASSWORD}")
    for user, roles in created:
        context.say(f"  {user.username:<17} {user.get_full_name():<18} {', '.join(roles)}")
    context.say(
        "  Second factor: staff accounts (county, training, coach, servicedesk, "
        f"state.admin) ask for an authenticator code after the password. Their app key is "
        f"{DEMO_APP_KEY}; `.venv/bin/python manage.py demo_code USERNAME` prints the "
        "current code."
    )


def _users(context: DemoContext) -> list[tuple[User, list[str]]]:
    result = []
    for row in USERS:
        user, created = User.objects.get_or_create(
            username=row["username"],
            defaults=dict(
                first_name=row["first"],
                last_name=row["last"],
                email=row["email"],
                preferred_language=row.get("language", ""),
            ),
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            SecurityAnswer.objects.bulk_create(
                SecurityAnswer(user=user, question=q, answer_hash=hash_answer(a))
                for q, a in DEMO_ANSWERS.items()
            )
        for role, scope in row["roles"]:
            lookup: dict[str, Any] = {"user": user, "role": role}
            if "county" in scope:
                lookup["county"] = context.record("county", scope["county"])
            if "provider" in scope:
                lookup["provider"] = context.record("provider", scope["provider"])
            if "recipient" in scope:
                lookup["recipient"] = context.record("recipient", scope["recipient"])
            Membership.objects.get_or_create(
                **lookup,
                defaults=dict(
                    is_representative=scope.get("is_representative", False),
                    organization=scope.get("organization", ""),
                ),
            )
        if second_factor.is_required(user) and not user.has_second_factor():
            AuthenticatorApp.objects.create(
                user=user, name="Demo authenticator app", secret=DEMO_APP_KEY, confirmed=True
            )
        result.append((user, [str(Role(r).label) for r, _ in row["roles"]]))
    return result
