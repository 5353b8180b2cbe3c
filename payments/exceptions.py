"""Domain errors of the payment path. No HTTP here except the status each maps to, kept beside
its code so that the one exception handler (core.errors) can render it.

Raise, never return, inside the atomic block: the exception is what rolls it back.

Hierarchy (one leaf per rule; ``default_code`` is the ``error_code`` a client sees):

- ``PaymentError`` (400)
  - ``RequestRejected`` (400): the body breaks a shape rule (type, length, unknown property…)
    - ``InvalidAmount``, ``InvalidExternalId``, ``UnknownProperty``, ``InvalidField``,
      ``AmbiguousPayment``, ``TotalTooLarge`` (a sale)
  - ``InvalidIdempotencyKey`` (400)
  - ``RuleViolation`` (400): a Koha configuration rule refuses the request
    - debit type: ``UnknownDebitType``, ``DebitTypeArchived``, ``DebitTypeNotAllowed``,
      ``DebitTypeNotForSale`` (a sale), ``DebitTypeNotAtLibrary``
    - payment type: ``InvalidPaymentType``, ``PaymentTypeNotAtLibrary``
    - register: ``RegisterRequired``, ``UnknownRegister``, ``RegisterArchived``,
      ``RegisterLibraryMismatch``
    - library: ``UnknownLibrary``, ``LibraryRequired``
    - paying existing debits: ``InvalidAccountLine``, ``AmountExceedsOutstanding``
    - refunds: ``AmountExceedsRefundable``
  - ``OutOfScope`` (403): the client may not act there
    - ``LibraryOutOfScope``, ``RegisterOutOfScope``, ``DebitTypeOutOfScope``
  - ``NotFoundError`` (404): ``PatronNotFound``, ``PaymentNotFound``, ``RegisterNotFound`` and
    ``SaleNotFound`` (a register or sale named in the path)
  - ``ConflictError`` (409): ``DuplicateExternalId``, ``ConcurrentChange``, ``RequiresKoha``,
    ``PaymentVoided`` (a refund)
  - ``IdempotencyKeyReused`` (422)
  - ``InvariantViolation`` (500): a bug in kohapay, never the client's fault

Outside the intake's rules, for Koha API keys:

- ``MissingPermission`` (403): the key's owner lacks the Koha permission of the operation
- ``TokenRefused``: Koha's own answers at the token endpoint (``error`` is Koha's word for word)
  - ``UnimplementedGrantType`` (400), ``UnauthorizedClient`` (403), ``AccessDenied`` (403)
"""
from core.errors import KohaError
from koha.identity.api_keys import ACCESS_DENIED, UNAUTHORIZED_CLIENT, UNIMPLEMENTED_GRANT_TYPE
from koha.identity.permissions import describe


class PaymentError(KohaError):
    """Base of every rule kohapay enforces on an intake (the constructor is ``KohaError``'s)."""

    status_code = 400
    default_code = "payment_error"
    default_message = "The payment could not be recorded."


# --- 400: the request body's shape -------------------------------------------------------------
class RequestRejected(PaymentError):
    """The body is not an object of the documented properties with the documented types."""

    default_code = "invalid_request"
    default_message = "The request is not valid."


class InvalidAmount(RequestRejected):
    """``amount`` is missing, not a JSON number or decimal string, not > 0, has more than 6
    decimal places, or exceeds ``KOHAPAY_MAX_AMOUNT``."""

    default_code = "invalid_amount"
    default_message = "The amount is not valid."


class InvalidExternalId(RequestRejected):
    """``external_id`` is not 1–100 printable characters."""

    default_code = "invalid_external_id"
    default_message = "The external_id is not valid."


class UnknownProperty(RequestRejected):
    """The body has a property the API does not define (``additionalProperties: false``)."""

    default_code = "unknown_property"
    default_message = "The request has a property the API does not know."


class InvalidField(RequestRejected):
    """Any other property has the wrong type or length; the code is ``invalid_<property>``."""


class AmbiguousPayment(RequestRejected):
    """The body names both a ``debit_type`` (charge and pay) and ``account_lines_ids`` (pay
    debits the patron already owes): kohapay will not guess which was meant."""

    default_code = "ambiguous_payment"
    default_message = ("Send either debit_type (charge and pay a new debit) or account_lines_ids "
                       "(pay debits the patron already owes), not both.")


class TotalTooLarge(RequestRejected):
    """A sale's total (the sum of quantity × price over its items) exceeds
    ``KOHAPAY_MAX_AMOUNT``, the most one request may move."""

    default_code = "total_too_large"
    default_message = "The sale's total is more than one request may record."


class InvalidIdempotencyKey(PaymentError):
    """The ``Idempotency-Key`` header is not 1–255 visible ASCII characters."""

    default_code = "invalid_idempotency_key"
    default_message = "The Idempotency-Key header must be 1 to 255 visible ASCII characters."


# --- 400: Koha's configuration refuses the request ---------------------------------------------
class RuleViolation(PaymentError):
    """Base of the rules read from Koha's configuration (types, registers, libraries)."""


class UnknownDebitType(RuleViolation):
    """``debit_type`` is not a code of ``account_debit_types``."""

    default_code = "unknown_debit_type"
    default_message = "The debit type does not exist in Koha."


class DebitTypeArchived(RuleViolation):
    """The debit type is archived in Koha."""

    default_code = "debit_type_archived"
    default_message = "The debit type is archived in Koha."


class DebitTypeNotAllowed(RuleViolation):
    """The debit type can be neither invoiced nor sold (``can_be_invoiced`` = ``can_be_sold`` = 0),
    e.g. a system type such as OVERDUE."""

    default_code = "debit_type_not_allowed"
    default_message = "This debit type can be neither invoiced nor sold."


class DebitTypeNotForSale(RuleViolation):
    """A sale names a debit type whose ``can_be_sold`` is off: Koha's point of sale
    (``pos/pay.pl``) does not offer it."""

    default_code = "debit_type_not_for_sale"
    default_message = "This debit type cannot be sold."


class DebitTypeNotAtLibrary(RuleViolation):
    """The debit type has library limits (``account_debit_types_branches``) that exclude the
    library."""

    default_code = "debit_type_not_at_library"
    default_message = "This debit type is not available at the library."


class InvalidPaymentType(RuleViolation):
    """``payment_type`` is not an authorised value of category PAYMENT_TYPE."""

    default_code = "invalid_payment_type"
    default_message = "The payment type is not a PAYMENT_TYPE authorised value in Koha."


class PaymentTypeNotAtLibrary(RuleViolation):
    """The payment type has library limits (``authorised_values_branches``) that exclude the
    library."""

    default_code = "payment_type_not_at_library"
    default_message = "This payment type is not available at the library."


class RegisterRequired(RuleViolation):
    """``UseCashRegisters`` is on and the payment type is CASH or SIP00, but no register was
    given (Koha's ``RegisterRequired``)."""

    default_code = "register_required"
    default_message = "A cash register is required for this payment type."


class UnknownRegister(RuleViolation):
    """``register_id`` is not a ``cash_registers.id``."""

    default_code = "unknown_register"
    default_message = "The cash register does not exist."


class RegisterArchived(RuleViolation):
    """The register is archived."""

    default_code = "register_archived"
    default_message = "The cash register is archived."


class RegisterLibraryMismatch(RuleViolation):
    """The register belongs to another library than ``library_id``."""

    default_code = "register_library_mismatch"
    default_message = "The cash register does not belong to the library."


class UnknownLibrary(RuleViolation):
    """``library_id`` is not a ``branches.branchcode``."""

    default_code = "unknown_library"
    default_message = "The library does not exist."


class LibraryRequired(RuleViolation):
    """The client may use several libraries and neither ``library_id`` nor a register says which."""

    default_code = "library_required"
    default_message = "Say which library: send library_id (or a register_id)."


class InvalidAccountLine(RuleViolation):
    """A line named in ``account_lines_ids`` is not this patron's, not a debit, or has nothing
    outstanding (as committed when the request's rules are checked; a line that stops being
    payable after that, before the payment's locks, is a ``ConcurrentChange``)."""

    default_code = "invalid_account_line"
    default_message = "An account line named in account_lines_ids cannot be paid."


class AmountExceedsOutstanding(RuleViolation):
    """The amount is more than the patron's outstanding debits: Koha would leave the rest as an
    unapplied credit, which kohapay never does for a kiosk. ``extra`` carries ``outstanding``."""

    default_code = "amount_exceeds_outstanding"
    default_message = "The amount is more than the patron owes."


class AmountExceedsRefundable(RuleViolation):
    """A refund asks for more than is still refundable of the payment or sale: what it paid,
    less what was refunded of it already (and never more than Koha's ``reduce`` allows on each
    debit). ``extra`` carries ``refundable``."""

    default_code = "amount_exceeds_refundable"
    default_message = "The amount is more than is still refundable."


# --- 403: outside the client's scope -----------------------------------------------------------
class OutOfScope(PaymentError):
    """The client is authenticated but may not act there."""

    status_code = 403
    default_code = "forbidden"
    default_message = "This API client may not do that."


class LibraryOutOfScope(OutOfScope):
    """The library is not one of the client's libraries."""

    default_code = "library_not_allowed"
    default_message = "This API client may not record payments for this library."


class RegisterOutOfScope(OutOfScope):
    """The register is not one of the client's registers (or not at one of its libraries)."""

    default_code = "register_not_allowed"
    default_message = "This API client may not use this cash register."


class DebitTypeOutOfScope(OutOfScope):
    """The client has a list of debit types and this one is not on it."""

    default_code = "debit_type_not_allowed_for_client"
    default_message = "This API client may not charge this debit type."


# --- 404 ---------------------------------------------------------------------------------------
class NotFoundError(PaymentError):
    status_code = 404
    default_code = "not_found"
    default_message = "Not found."


class PatronNotFound(NotFoundError):
    """No ``borrowers`` row has this borrowernumber."""

    default_code = "patron_not_found"
    default_message = "Patron not found."


class PaymentNotFound(NotFoundError):
    """No intake of this client has this payment id for this patron."""

    default_code = "payment_not_found"
    default_message = "Payment not found."


class RegisterNotFound(NotFoundError):
    """No ``cash_registers`` row has the id of the path."""

    default_code = "register_not_found"
    default_message = "Cash register not found."


class SaleNotFound(NotFoundError):
    """No sale of this client has this id at this register."""

    default_code = "sale_not_found"
    default_message = "Sale not found."


# --- 409 / 422: safe retries -------------------------------------------------------------------
class ConflictError(PaymentError):
    status_code = 409
    default_code = "conflict"
    default_message = "The request conflicts with another one."


class DuplicateExternalId(ConflictError):
    """The client already recorded a payment with this ``external_id`` (under another or no
    ``Idempotency-Key``); ``extra`` carries that payment's id."""

    default_code = "duplicate_external_id"
    default_message = "This external_id was already used for another payment."


class ConcurrentChange(ConflictError):
    """Koha's rows changed under the intake (e.g. a type deleted meanwhile, or a named debit
    paid by another kiosk or Koha's desk meanwhile); nothing was written and the same request
    may be retried (it then gets the answer the new state calls for).

    (A repeat of a request still in flight never gets here: it waits on the patron's row lock or
    the intake's unique index until the first commits, then replays it.)"""

    default_code = "concurrent_change"
    default_message = "Koha's data changed while recording the payment; nothing was written, retry."


class RequiresKoha(ConflictError):
    """Paying a debit off would make Koha change circulation as well (renew the item of an
    accruing overdue fine, or return a lost item: ``koha.recipes.circulation_effects``), which
    kohapay cannot do; the payment must be taken in Koha."""

    default_code = "requires_koha"
    default_message = ("Paying this off would make Koha renew or return an item, which kohapay "
                       "cannot do; take this payment in Koha.")


class PaymentVoided(ConflictError):
    """The payment to refund was voided in Koha since (its credit's status is VOID): the money
    was given back already; there is nothing to refund."""

    default_code = "payment_voided"
    default_message = "This payment was voided in Koha; there is nothing to refund."


class IdempotencyKeyReused(PaymentError):
    """The key was already used by this client for a different request."""

    status_code = 422
    default_code = "idempotency_key_reused"
    default_message = "This Idempotency-Key was already used for a different request."


# --- 500: a bug --------------------------------------------------------------------------------
class InvariantViolation(PaymentError):
    """The ledger check before commit failed: the transaction is rolled back and the fault
    logged. Never caused by client input; it means kohapay (or a concurrent writer) is wrong."""

    status_code = 500
    default_code = "internal_server_error"
    default_message = ("Something went wrong, check kohapay's logs for details. "
                       "Nothing was recorded.")


# --- Koha API keys -----------------------------------------------------------------------------
class MissingPermission(KohaError):
    """A Koha API key's owner does not hold, in Koha, the permission the operation needs (the
    view's ``koha_permission``); Koha's own answer, with the requirement in
    ``required_permissions``."""

    status_code = 403
    default_code = "missing_permission"
    default_message = "Authorization failure. Missing required permission(s)."

    def __init__(self, required):
        super().__init__(extra={"required_permissions": describe(required)})


NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}  # RFC 6749 §5.1, errors included


class TokenRefused(KohaError):
    """Koha's refusal of a token request for a Koha API key (``koha.identity.api_keys``):
    ``error`` is Koha's own string, so a client written for Koha reads it unchanged."""

    def __init__(self):
        super().__init__(headers=dict(NO_STORE))


class UnimplementedGrantType(TokenRefused):
    """``grant_type`` is not ``client_credentials``, or ``RESTOAuth2ClientCredentials`` is off."""

    default_code = "unsupported_grant_type"
    default_message = UNIMPLEMENTED_GRANT_TYPE


class UnauthorizedClient(TokenRefused):
    """No Koha API key has this client_id, or it is revoked (in Koha or, for kohapay, in kohapay)."""

    status_code = 403
    default_code = UNAUTHORIZED_CLIENT
    default_message = UNAUTHORIZED_CLIENT


class AccessDenied(TokenRefused):
    """The secret does not match the key's."""

    status_code = 403
    default_code = ACCESS_DENIED
    default_message = ACCESS_DENIED


TOKEN_REFUSALS = {cls.default_message: cls
                  for cls in (UnimplementedGrantType, UnauthorizedClient, AccessDenied)}
