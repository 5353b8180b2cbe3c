"""Domain errors of the payment path. No HTTP here except the status each maps to, kept beside
its code so that the one exception handler (kohapay.exception_handlers) can render it.

Raise, never return, inside the atomic block: the exception is what rolls it back.
"""


class PaymentError(Exception):
    """Base of every rule kohapay enforces on an intake. ``code`` is the machine-readable
    ``error_code``; ``message`` the sentence a person reads."""

    status_code = 400
    default_code = "payment_error"
    default_message = "The payment could not be recorded."

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 errors: list | None = None, headers: dict | None = None, **context):
        self.message = message or self.default_message
        self.code = code or self.default_code
        self.errors = errors
        self.headers = headers
        self.context = context
        super().__init__(self.message)
