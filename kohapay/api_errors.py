"""Koha's error shape for ``/api/`` answers that DRF's exception handler never sees.

DRF's handler (``kohapay.exception_handlers``) covers errors raised inside API views. Three kinds
happen outside them and would otherwise be Django's HTML pages:

- a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` → 413 ``request_too_large``, before any view
  reads it (DRF streams the body past Django's own size check);
- a path that matches no route (``handler404``) → 404 ``not_found``;
- an exception escaping a view → 503 ``database_unavailable`` when it is a database error, else
  Django's logged 500, rendered by ``handler500`` as ``internal_server_error``.

Pages outside ``/api/`` keep Django's HTML behaviour.
"""
import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.views import defaults

logger = logging.getLogger("django.request")

API_PREFIX = "/api/"
UNAVAILABLE = ("The database is unavailable right now; retry the same request later.",
               "database_unavailable")
INTERNAL = ("Something went wrong, check kohapay's logs for details.", "internal_server_error")


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def koha_error(message: str, code: str, status: int, **headers) -> JsonResponse:
    response = JsonResponse({"error": message, "error_code": code}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
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
            logger.warning("database unavailable on %s: %s", request.path, exception)
            return koha_error(*UNAVAILABLE, 503, Retry_After="5")
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
