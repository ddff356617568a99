"""Personal access tokens on /api/v1: `Authorization: Bearer ihss_pat_...`.

Each API router lists `TokenAuth(<router>)` before its session auth (ninja tries them in
order). A call without an Authorization header goes on to the session, which keeps its
CSRF check; a call with one is decided here alone:

- a missing, malformed, unknown, expired or revoked token, or one whose owner is
  deactivated, answers 401 with one message that does not say which;
- a token without the scope of the call (`<router>:read` for GET, `<router>:write` for
  POST, PUT, PATCH, DELETE) answers 403 naming the scope;
- then the owner's roles are checked now, as for their session (a token never gives
  more than its owner may do today).

A bearer call needs no CSRF token: a browser never adds an Authorization header to a
request another site makes it send. The token is read from the header only, never from
the address (which ends up in logs and browser history), and never logged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer

from ihss.accounts import tokens
from ihss.accounts.models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REALM = 'Bearer realm="IHSS Portal API"'
# Where TokenAuth leaves the token a call was authenticated with (never its text).
TOKEN_ATTRIBUTE = "personal_access_token"  # noqa: S105 (an attribute name, not a secret)


class InvalidToken(AuthenticationError):
    def __init__(self) -> None:
        super().__init__(message="The token is not valid: it may be mistyped, expired or revoked.")


class MissingScope(AuthorizationError):
    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__(message=f"This token does not have the {scope} scope.")


class TokenAuth(HttpBearer):
    """A personal access token for the API router `resource` ("cases", "messages").

    `allowed(user)`, if given, is the router's role check: False answers 403.
    """

    def __init__(self, resource: str, *, allowed: Callable[[User], bool] | None = None) -> None:
        self.resource = resource
        self.allowed = allowed
        super().__init__()

    def __call__(self, request: HttpRequest) -> User | None:
        # Not HttpBearer.__call__: it logs an unexpected Authorization header in DEBUG.
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _, text = header.partition(" ")
        if scheme.lower() != "bearer":
            raise InvalidToken
        return self.authenticate(request, text.strip())

    def required_scope(self, request: HttpRequest) -> str:
        return f"{self.resource}:{'read' if request.method in SAFE_METHODS else 'write'}"

    def authenticate(self, request: HttpRequest, token: str) -> User:
        found = tokens.find_usable(token)
        if found is None:
            raise InvalidToken
        scope = self.required_scope(request)
        if scope not in found.scopes:
            raise MissingScope(scope)
        user = found.user
        if self.allowed is not None and not self.allowed(user):
            raise AuthorizationError
        tokens.note_use(found)
        # The caller is the token's owner, whatever session cookie comes along; and
        # labels are in their language, as for their session.
        request.user = user
        setattr(request, TOKEN_ATTRIBUTE, found)
        if user.preferred_language:
            translation.activate(user.preferred_language)
        return user


def by_token(request: HttpRequest) -> bool:
    """Whether the call was authenticated by a personal access token, not the session:
    a step that asks a session to confirm it is the person again (a signature) takes the
    token itself as that confirmation, since it was made with the password."""
    return getattr(request, TOKEN_ATTRIBUTE, None) is not None


def add_error_handlers(api: NinjaAPI) -> None:
    """401 and 403 answers carry the WWW-Authenticate challenge of RFC 6750."""

    def refused(request: HttpRequest, exc: Any) -> HttpResponse:
        response = api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
        if isinstance(exc, InvalidToken):
            response["WWW-Authenticate"] = f'{REALM}, error="invalid_token"'
        elif isinstance(exc, MissingScope):
            response["WWW-Authenticate"] = (
                f'{REALM}, error="insufficient_scope", scope="{exc.scope}"'
            )
        elif exc.status_code == 401:
            response["WWW-Authenticate"] = REALM
        return response

    api.add_exception_handler(AuthenticationError, refused)
    api.add_exception_handler(MissingScope, refused)
