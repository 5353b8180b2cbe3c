"""Real HTTP to kohapay served by gunicorn on 127.0.0.1 (stdlib only), for the tests that need
separate server processes."""
from __future__ import annotations

import http.client
import json
import os
import secrets
import urllib.parse
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

from tools.bench.servers import gunicorn


@contextmanager
def kohapay_server(name: str, *, database_url: str | None = None, workers: int = 1, **env):
    """kohapay with production settings (plain HTTP on loopback) in its own gunicorn; yields the
    port. ``database_url`` defaults to the test database."""
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("KOHAPAY_", "DJANGO_")) and k != "DATABASE_URL"}
    db = connection.settings_dict  # the test database once pytest-django has set it up
    environment.update({
        "DJANGO_SETTINGS_MODULE": "kohapay.settings", "KOHAPAY_DEBUG": "0",
        "KOHAPAY_SECRET_KEY": secrets.token_urlsafe(50), "KOHAPAY_HTTPS": "0",
        "KOHAPAY_ALLOWED_HOSTS": "127.0.0.1", "PYTHONPATH": str(settings.BASE_DIR),
        "DATABASE_URL": database_url or (
            f"mysql://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 3306}/{db['NAME']}"),
        **env,
    })
    with gunicorn("kohapay.wsgi", environment, f"hardening-{name}", workers) as port:
        yield port


def call(port: int, method: str, path: str, body=None, headers: dict | None = None,
         form: dict | None = None) -> tuple[int, dict, object]:
    """One request; (status, headers, parsed JSON body or raw text)."""
    headers = dict(headers or {})
    data = None
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        raw = response.read().decode()
        answer_headers = {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = raw
    return response.status, answer_headers, parsed


def token(port: int, credentials) -> str:
    status, _, body = call(port, "POST", "/api/v1/oauth/token", form={
        "grant_type": "client_credentials", "client_id": credentials.client_id,
        "client_secret": credentials.client_secret})
    assert status == 200, body
    return body["access_token"]
