"""``GET /healthz`` for load balancers: is this process up, and can it reach the database?

200 ``{"status": "ok", "database": "ok"}``, or 503 ``{"status": "unavailable", "database":
"unreachable"}`` (the balancer then stops sending payments to this instance).

Unauthenticated by design — a balancer has no credentials — and safe so: the answer is the same
two fixed words for everyone, it reads no row (the driver's ping), names no table, host, version or
error, and accepts only GET/HEAD. It is exempt from the HTTPS redirect (balancers probe over
plain HTTP on the private side) but still subject to ``ALLOWED_HOSTS``.
"""
import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("kohapay.health")


@never_cache
@require_safe
def healthz(request):
    try:
        connection.ensure_connection()
        if not connection.is_usable():  # the driver's ping
            connection.close()  # a kept connection the server dropped: the next probe reconnects
            raise DatabaseError("the connection no longer answers")
    except DatabaseError as exc:
        logger.warning("health check: database unreachable: %s", exc)
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
