"""kohapay's own records of the payments app: API clients, intakes, the Koha lines of refunds and
the tokens of Koha API keys (Koha's tables are in ``koha.models``)."""
from payments.models.intake import ApiClient, Intake
from payments.models.refunds import RefundLine
from payments.models.tokens import KohaKeyToken

__all__ = ["ApiClient", "Intake", "KohaKeyToken", "RefundLine"]
