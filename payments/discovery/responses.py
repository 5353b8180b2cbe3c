"""Response shapes of the discovery routes, in Koha's own definitions — never a write.

Property names, types, nullability and order are Koha's (``Koha-Community/Koha``,
``api/v1/swagger/definitions/``; docs/koha-rows.md, "Discovery: Koha's shapes"): Koha renders
JSON objects with their keys sorted (Mojo::JSON), so the properties here are in that order.
Booleans are JSON booleans (Koha's ``to_api`` turns its tinyint(1) flags into them), amounts
exact JSON numbers, times ISO 8601 with the offset of Koha's time zone.
"""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.money import AmountField
from payments.responses import KohaDateTimeField


class KohaCashRegisterSerializer(serializers.Serializer):
    """Koha's ``cash_register`` (``definitions/cash_register.yaml``; ``Koha::Cash::Register``
    maps ``branch`` → ``library_id``, ``id`` → ``cash_register_id``, ``branch_default`` →
    ``library_default``)."""

    archived = serializers.BooleanField(help_text="If this till is archived.")
    cash_register_id = serializers.IntegerField(source="id")
    description = serializers.CharField()
    library_default = serializers.BooleanField(source="branch_default",
                                               help_text="If this till is the library default.")
    library_id = serializers.CharField(min_length=1, max_length=10)
    name = serializers.CharField()
    starting_float = AmountField(allow_null=True)


class KohaDebitTypeSerializer(serializers.Serializer):
    """A row of Koha's ``account_debit_types`` as Koha's ``to_api`` names its columns
    (``Koha::Account::DebitType`` has no API mapping, and Koha has no route for it): the six a
    kiosk needs."""

    archived = serializers.BooleanField()
    can_be_invoiced = serializers.BooleanField()
    can_be_sold = serializers.BooleanField()
    code = serializers.CharField(max_length=80)
    default_amount = AmountField(allow_null=True)
    description = serializers.CharField(allow_null=True)


class KohaAuthorisedValueSerializer(serializers.Serializer):
    """Koha's ``authorised_value`` (``definitions/authorised_value.yaml``): ``value`` is the
    payment type's code (what an intake sends as ``payment_type``), ``description`` its staff
    label."""

    authorised_value_id = serializers.IntegerField(source="id")
    category_name = serializers.CharField(source="category")
    description = serializers.SerializerMethodField()
    image_url = serializers.CharField(source="imageurl", allow_null=True)
    opac_description = serializers.CharField(source="lib_opac", allow_null=True)
    value = serializers.CharField(source="authorised_value")

    @extend_schema_field(OpenApiTypes.STR)
    def get_description(self, value) -> str:
        """A string in Koha's definition: a value without a label (``lib`` NULL) has ""."""
        return value.lib or ""


class KohaAccountLineSerializer(serializers.Serializer):
    """Koha's ``account_line`` as its ``GET /patrons/{id}/account`` renders one
    (``Koha::Account::Line`` ``to_api``): ``payout_type`` of the definition is never rendered
    there, and ``old_checkout_id`` (newer Koha, Bug 22421: a column kohapay does not map) is left
    out."""

    account_line_id = serializers.IntegerField(source="accountlines_id")
    amount = AmountField()
    amount_outstanding = AmountField(source="amountoutstanding")
    cash_register_id = serializers.IntegerField(source="register_id", allow_null=True)
    checkout_id = serializers.IntegerField(source="issue_id", allow_null=True)
    credit_number = serializers.CharField(allow_null=True)
    credit_type = serializers.CharField(source="credit_type_id", allow_null=True)
    date = KohaDateTimeField()
    debit_type = serializers.CharField(source="debit_type_id", allow_null=True)
    description = serializers.CharField(allow_null=True)
    interface = serializers.CharField(allow_null=True)
    internal_note = serializers.CharField(source="note", allow_null=True)
    item_id = serializers.IntegerField(source="itemnumber", allow_null=True)
    library_id = serializers.CharField(allow_null=True)
    patron_id = serializers.IntegerField()
    payment_type = serializers.CharField(allow_null=True)
    status = serializers.CharField(allow_null=True)
    timestamp = KohaDateTimeField()
    user_id = serializers.IntegerField(source="manager_id", allow_null=True)


class KohaOutstandingLinesSerializer(serializers.Serializer):
    lines = KohaAccountLineSerializer(many=True)
    total = AmountField(help_text="SUM of the lines' amount_outstanding (credits: negative).")


class KohaPatronBalanceSerializer(serializers.Serializer):
    """Koha's ``patron_balance`` (``definitions/patron_balance.yaml``)."""

    balance = AmountField(help_text="SUM of amount_outstanding over every line of the patron "
                                    "(positive: the patron owes).")
    outstanding_credits = KohaOutstandingLinesSerializer()
    outstanding_debits = KohaOutstandingLinesSerializer()
