"""kohapay's own records of the payments app: API clients and intakes (Koha's tables are in
``koha.models``)."""
from payments.models.intake import ApiClient, Intake

__all__ = ["ApiClient", "Intake"]
