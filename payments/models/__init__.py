"""kohapay's own records of the payments app: API clients, intakes, the Koha lines of refunds,
the tokens of Koha API keys, the cashups kohapay recorded and the devices' settlements (Koha's
tables are in ``koha.models``)."""
from payments.models.cashups import CashupCount, CashupReconciliation
from payments.models.intake import ApiClient, Intake
from payments.models.refunds import RefundLine
from payments.models.settlements import Settlement, SettlementTotal
from payments.models.tokens import KohaKeyToken

__all__ = ["ApiClient", "CashupCount", "CashupReconciliation", "Intake", "KohaKeyToken",
           "RefundLine", "Settlement", "SettlementTotal"]
