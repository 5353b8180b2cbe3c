"""Refusals of a cashup (``payments.services.cashups``), each with its ``error_code``; the one
exception handler (``core.errors``) renders them in Koha's error shape, the dashboard shows their
sentence. Raised before or inside the cashup's transaction: nothing is ever written.

- ``CashupError`` (400)
  - ``InvalidCount``: a counted amount is negative, not a number, or has too many decimals
  - ``PaymentTypeNotCounted``: a counted payment type is not in ``CashupPaymentTypes``
  - ``DuplicateCount``: one payment type counted twice
  - ``NoteRequired``: ``CashupReconciliationNoteRequired`` and a difference without a note
  - ``InvalidNote``: the note is not one of ``CashupReconciliationNoteAuthorisedValue``'s values
  - ``EmptySession``: nothing to cash up (Koha's "Cannot start cashup with no transactions")
  - ``TwoPhaseUnavailable``: a two-phase cashup on a Koha without reconciliation
- ``CashupNotFound``, ``CashRegisterNotFound`` (404)
- ``CashupConflict`` (409)
  - ``CashupInProgress``: a two-phase cashup was already started
  - ``SessionChanged``: someone cashed up the register while this count was made
  - ``IdempotencyKeyConflict`` (422): the key was used for another cashup request
- ``CashupInvariantViolation`` (500): the rows written are not what was asked — a bug
"""
from core.errors import KohaError


class CashupError(KohaError):
    status_code = 400
    default_code = "cashup_error"
    default_message = "The cashup could not be recorded."


class InvalidCount(CashupError):
    default_code = "invalid_count"
    default_message = ("Each counted amount must be a number of at least 0 with at most 6 "
                       "decimal places.")


class PaymentTypeNotCounted(CashupError):
    default_code = "payment_type_not_counted"
    default_message = "This payment type is not counted at a cashup (CashupPaymentTypes)."


class DuplicateCount(CashupError):
    default_code = "duplicate_count"
    default_message = "A payment type is counted twice."


class NoteRequired(CashupError):
    default_code = "note_required"
    default_message = ("A note is required when a counted amount differs from the expected "
                       "amount (CashupReconciliationNoteRequired).")


class InvalidNote(CashupError):
    default_code = "invalid_note"
    default_message = ("The note must be one of the values Koha allows for it "
                       "(CashupReconciliationNoteAuthorisedValue).")


class EmptySession(CashupError):
    default_code = "empty_session"
    default_message = ("There is nothing to cash up: no transactions since the last cashup "
                       "(Koha refuses a cashup with no transactions).")


class TwoPhaseUnavailable(CashupError):
    default_code = "two_phase_unavailable"
    default_message = ("This Koha has no reconciliation (no CASHUP_SURPLUS and CASHUP_DEFICIT "
                       "types): a cashup is recorded in one step.")


class CashRegisterNotFound(CashupError):
    status_code = 404
    default_code = "cash_register_not_found"
    default_message = "Cash register not found."


class CashupNotFound(CashupError):
    status_code = 404
    default_code = "cashup_not_found"
    default_message = "Cashup not found."


class CashupConflict(CashupError):
    status_code = 409
    default_code = "cashup_conflict"
    default_message = "The register changed while cashing up; nothing was recorded."


class CashupInProgress(CashupConflict):
    default_code = "cashup_in_progress"
    default_message = "A cashup is already in progress for this register."


class SessionChanged(CashupConflict):
    default_code = "session_changed"
    default_message = ("Someone else cashed up this register while you were counting; nothing "
                       "was recorded. Look at the new session and count again.")


class IdempotencyKeyConflict(CashupError):
    status_code = 422
    default_code = "idempotency_key_reused"
    default_message = "This Idempotency-Key was already used for a different request."


class CashupInvariantViolation(CashupError):
    """The check before commit failed: rolled back and logged; never the client's fault."""

    status_code = 500
    default_code = "internal_server_error"
    default_message = ("Something went wrong, check kohapay's logs for details. "
                       "Nothing was recorded.")
