"""Errors in Koha's shape, in one place: the error body, the base of kohapay's domain errors, the
one DRF exception handler, and the answers for ``/api/`` that DRF's handler never sees.

Every 4xx body is ``{"error": "<a sentence>", "error_code": "<snake_case>"}``; field problems add
``"errors": [{"message": …, "path": "/body/<field>"}]`` (Koha's OpenAPI validator shape). Domain
errors (subclasses of ``KohaError``, e.g. ``payments.exceptions.PaymentError``) carry their own
``status_code``/``default_code``. A database outage is a 503 with ``Retry-After``; anything else
unknown stays a logged 500.

Outside DRF's views (``ApiErrorMiddleware``, ``not_found``, ``server_error``), three kinds of
``/api/`` answer would otherwise be Django's HTML pages:

- a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` → 413 ``request_too_large``, before any view
  reads it (DRF streams the body past Django's own size check);
- a path that matches no route (``handler404``) → 404 ``not_found``;
- an exception escaping a view → 503 ``database_unavailable`` when it is a database error, else
  Django's logged 500, rendered by ``handler500`` as ``internal_server_error``.

Pages outside ``/api/`` keep Django's HTML behaviour.
"""
import logging
import math

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger("kohapay.api")
request_logger = logging.getLogger("django.request")

API_PREFIX = "/api/"
DATABASE_UNAVAILABLE = ("The database is unavailable right now; retry the same request later.",
                        "database_unavailable")
INTERNAL = ("Something went wrong, check kohapay's logs for details.", "internal_server_error")
RETRY_AFTER = {"Retry-After": "5"}


class KohaError(Exception):
    """Base of kohapay's domain errors: ``code`` is the machine-readable ``error_code``,
    ``message`` the sentence a person reads, ``extra`` adds properties to the error body (e.g. the
    ``payment_id`` of a duplicate). Subclasses set ``status_code``, ``default_code`` and
    ``default_message``."""

    status_code = 400
    default_code = "error"
    default_message = "The request could not be processed."

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 errors: list | None = None, headers: dict | None = None,
                 extra: dict | None = None, **context):
        self.message = message or self.default_message
        self.code = code or self.default_code
        self.errors = errors
        self.headers = headers
        self.extra = extra
        self.context = context
        super().__init__(self.message)


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
    if isinstance(exc, KohaError):
        body = {**error_body(exc.message, exc.code, exc.errors), **(exc.extra or {})}
        return Response(body, status=exc.status_code, headers=exc.headers)
    if isinstance(exc, (OperationalError, InterfaceError)):
        logger.warning("database unavailable: %s", exc)
        return Response(
            error_body(*DATABASE_UNAVAILABLE),
            status=status.HTTP_503_SERVICE_UNAVAILABLE, headers=RETRY_AFTER,
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


# --- /api/ answers outside DRF's views ----------------------------------------------------------


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def koha_error(message: str, code: str, status: int, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse(error_body(message, code), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_api(request) and _content_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return koha_error(f"The request body is larger than {limit} bytes.",
                              "request_too_large", 413)
        return self.get_response(request)

    def process_exception(self, request, exception):
        """A database outage is a 503; any other error goes on to Django, which logs it and
        answers with ``handler500`` (``server_error`` below)."""
        if is_api(request) and isinstance(exception, (OperationalError, InterfaceError)):
            request_logger.warning("database unavailable on %s: %s", request.path, exception)
            return koha_error(*DATABASE_UNAVAILABLE, 503, RETRY_AFTER)
        return None


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def not_found(request, exception):
    if is_api(request):
        return koha_error("Not found.", "not_found", 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return koha_error(*INTERNAL, 500)
    return defaults.server_error(request)
