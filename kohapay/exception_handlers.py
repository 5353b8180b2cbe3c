"""One place that turns errors into HTTP responses, in Koha's error shape.

Every 4xx body is ``{"error": "<a sentence>", "error_code": "<snake_case>"}``; field problems add
``"errors": [{"message": …, "path": "/body/<field>"}]`` (Koha's OpenAPI validator shape). Domain
errors (``payments.exceptions.PaymentError``) carry their own ``status_code``/``default_code``.
A database outage is a 503 with ``Retry-After``; anything else unknown stays a logged 500.
"""
import logging
import math

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger("kohapay.api")

GENERIC_CODES = {
    exceptions.ParseError: ("malformed_json", None),
    exceptions.NotAuthenticated: ("unauthenticated", "Authentication is required: send a Bearer token."),
    exceptions.AuthenticationFailed: ("invalid_token", None),
    exceptions.PermissionDenied: ("forbidden", None),
    exceptions.NotFound: ("not_found", None),
    exceptions.MethodNotAllowed: ("method_not_allowed", None),
    exceptions.NotAcceptable: ("not_acceptable", None),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", None),
    exceptions.Throttled: ("rate_limited", None),
}


def error_body(message: str, code: str, errors: list | None = None) -> dict:
    body = {"error": message, "error_code": code}
    if errors:
        body["errors"] = errors
    return body


def field_errors(detail, prefix: str = "/body") -> list[dict]:
    """Flatten DRF's nested validation detail into Koha's [{message, path}] list."""
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            path = prefix if key == "non_field_errors" else f"{prefix}/{key}"
            found.extend(field_errors(value, path))
        return found
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [{"message": str(item), "path": prefix} for item in detail]
        found = []
        for index, item in enumerate(detail):
            found.extend(field_errors(item, f"{prefix}/{index}"))
        return found
    return [{"message": str(detail), "path": prefix}]


def koha_exception_handler(exc, context):
    from payments.exceptions import PaymentError  # domain errors; imported late (app loading)

    if isinstance(exc, PaymentError):
        body = {**error_body(exc.message, exc.code, exc.errors), **(exc.extra or {})}
        return Response(body, status=exc.status_code, headers=exc.headers)
    if isinstance(exc, (OperationalError, InterfaceError)):
        logger.warning("database unavailable: %s", exc)
        return Response(
            error_body("The database is unavailable right now; retry the same request later.",
                       "database_unavailable"),
            status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "5"},
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ValidationError):
        # Query-string problems (GET endpoints) point at /query/<name> instead of /body/<name>.
        errors = field_errors(exc.detail, getattr(exc, "path_prefix", "/body"))
        summary = "; ".join(f"{e['path']}: {e['message']}" for e in errors[:3])
        return Response(
            error_body(f"The request is not valid ({summary}).", "invalid_request", errors),
            status=exc.status_code,
        )
    if isinstance(exc, exceptions.APIException):
        code, message = next(
            ((c, m) for cls, (c, m) in GENERIC_CODES.items() if isinstance(exc, cls)),
            (exc.default_code, None),
        )
        headers = {}
        if getattr(exc, "wait", None) is not None:
            headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))  # whole seconds, ≥ 1
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        return Response(
            error_body(message or _sentence(exc.detail), code), status=exc.status_code,
            headers=headers,
        )
    return None  # unknown: DRF re-raises, Django logs it as a 500


def _sentence(detail) -> str:
    text = str(detail).strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."
