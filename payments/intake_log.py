"""One structured log line per intake, on the logger ``kohapay.intake``.

Every ``POST /patrons/{id}/account/payments`` — recorded, replayed or refused — ends with one JSON
object on one line (so does every sale, ``POST /cash_registers/{id}/sales``, its ``payment_id``
the sale's id and no patron, and every refund, its ``payment_id`` the refunded payment's or
sale's and its amount the money given back): who (client id and name), for which patron, the
payment id, the amount, the
``Idempotency-Key``, the outcome (``created``, ``replayed`` or ``refused`` with the ``error_code``)
and how long it took. Never a secret: no token, no ``Authorization`` header, no client secret and
no request body beyond the amount — the key and ids are the client's own references.

This module must not import models: ``IntakeJsonFormatter`` is loaded by the logging configuration
before the apps are ready.
"""
import json
import logging
import time
from datetime import datetime, timezone

logger = logging.getLogger("kohapay.intake")

KEY_LOG_LENGTH = 255  # a hostile key is logged cut to the documented maximum


class IntakeJsonFormatter(logging.Formatter):
    """Records of ``kohapay.intake`` as one JSON object each: time, level, logger, then the
    event's own fields (when the message is a dict) or ``message`` (the logger's other, plain
    lines). Every other record keeps the configured plain format."""

    def format(self, record: logging.LogRecord) -> str:
        if record.name != logger.name and not record.name.startswith(logger.name + "."):
            return super().format(record)
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if isinstance(record.msg, dict):
            line.update(record.msg)
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=True, separators=(",", ":"))


class IntakeLogMixin:
    """For an APIView: log every POST with its outcome and duration (after DRF's exception
    handling, so refusals — 400, 401, 403, 404, 409, 413, 422, 429, 503 — are logged too)."""

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            return super().dispatch(request, *args, **kwargs)
        started = time.monotonic()
        try:
            response = super().dispatch(request, *args, **kwargs)
        except Exception:
            log_intake(self.request, None, kwargs.get("patron_id"), started)
            raise
        log_intake(self.request, response, kwargs.get("patron_id"), started)
        return response


def log_intake(request, response, patron_id, started: float) -> None:
    event = {"event": "intake", **_client(request), "patron_id": _int_or_text(patron_id)}
    event.update(_outcome(request, response))
    key = request.headers.get("Idempotency-Key")
    event["idempotency_key"] = key[:KEY_LOG_LENGTH] if key is not None else None
    event["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
    logger.log(logging.INFO if response is not None and response.status_code < 500
               else logging.WARNING, event)


def _client(request) -> dict:
    # The authenticated principal if authentication ran and succeeded: ``request.user`` would
    # authenticate again — and with the database down, raise from this log line.
    client = getattr(getattr(request, "_user", None), "client", None)
    if client is None:
        return {"client_id": None, "client": None}
    return {"client_id": client.pk, "client": client.name}


def _outcome(request, response) -> dict:
    if response is None:
        return {"outcome": "error", "status": 500, "error_code": "internal_server_error",
                "payment_id": None, "amount": _requested_amount(request)}
    body = response.data if isinstance(getattr(response, "data", None), dict) else {}
    if response.status_code == 201:
        replayed = response.get("Idempotent-Replayed") == "true"
        return {"outcome": "replayed" if replayed else "created", "status": 201,
                "error_code": None, "payment_id": body.get("payment_id", body.get("sale_id")),
                "amount": _paid(body)}
    return {"outcome": "refused", "status": response.status_code,
            "error_code": body.get("error_code"), "payment_id": body.get("payment_id"),
            "amount": _requested_amount(request)}


def _paid(body: dict):
    """The amount paid: a charge's debit amount, or minus a payment's credit amount; for a
    refund, the amount given back."""
    if "refunds" in body:
        return _text(body.get("amount"))
    if body.get("debit"):
        return _text(body["debit"].get("amount"))
    amount = (body.get("credit") or {}).get("amount")
    return _text(-amount) if _is_decimal(amount) or isinstance(amount, int) else None


def _requested_amount(request):
    """The amount as sent, when the body was parsed (never parse it here: that could raise)."""
    data = getattr(request, "_full_data", None)
    amount = data.get("amount") if isinstance(data, dict) else None
    return _text(amount) if isinstance(amount, (str, int, float)) or _is_decimal(amount) else None


def _is_decimal(value) -> bool:
    return type(value).__name__ == "Decimal"


def _text(value):
    return None if value is None else str(value)[:40]


def _int_or_text(value):
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        return int(value)
    return None if value is None else str(value)[:40]
