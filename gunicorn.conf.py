"""gunicorn settings for the portal: `make serve`, and production (`gunicorn -c gunicorn.conf.py`).

The command line keeps the address, the workers and the logs; this file keeps what must
hold wherever gunicorn runs the portal.

gunicorn writes `Server: gunicorn` into every answer and has no setting to leave it out.
The header tells an attacker which server, and so which known flaws, to try, and tells a
browser nothing it needs (OWASP Secure Headers: remove it). The function that writes the
status line and gunicorn's own headers is wrapped here to drop that one line; the
application's headers are untouched. tests/test_server_header.py runs gunicorn with this
file and checks the answer.
"""

from __future__ import annotations

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server_header(self: wsgi.Response) -> list[str]:
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server_header  # type: ignore[method-assign]
