"""The journal for an ERP to pull: ``GET /api/v1/journal?from=&to=`` (or ``?cashup_id=``).

Authenticated as the dashboard's ``daily_totals`` is — the dashboard's session or HTTP Basic of a
kohapay finance or auditor user, never a kiosk's token — with the same permission and library
limits; the same journal as ``/registers/journal/`` (``journal.selectors.report``).
"""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from journal.selectors import ALL, UNPOSTED, report, selection_for
from registers.api import (
    DailyTotalsQuerySerializer,
    DashboardAPIView,
    MoneyField,
    QueryValidationError,
    error_responses,
    rename_from,
)
from registers.selectors import koha_zone, requested_days


class JournalQuerySerializer(DailyTotalsQuerySerializer):
    cashup_id = serializers.IntegerField(required=False, min_value=1)
    view = serializers.ChoiceField(choices=[UNPOSTED, ALL], required=False, default=UNPOSTED)

    def validate(self, attrs):
        if attrs.get("cashup_id") and (attrs.get("from") or attrs.get("to")):
            raise serializers.ValidationError({"cashup_id": ["Ask for days or for a cashup, "
                                                             "not both."]})
        try:
            attrs["days"] = requested_days(attrs.get("from"), attrs.get("to"), default_days=1)
        except ValueError as exc:
            raise serializers.ValidationError({"from": [str(exc)]}) from exc
        return attrs


class JournalLineSerializer(serializers.Serializer):
    date = serializers.DateField()
    library = serializers.CharField()
    cost_centre = serializers.CharField(allow_blank=True)
    account = serializers.CharField()
    description = serializers.CharField()
    debit = MoneyField()
    credit = MoneyField()
    vat_code = serializers.CharField(allow_blank=True)
    reference = serializers.CharField()


class JournalWarningSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="debit_type, credit_type or payment_type")
    code = serializers.CharField(allow_blank=True)
    amount = MoneyField(help_text="Money booked to the default account")
    account = serializers.CharField(help_text="The default account it went to")
    message = serializers.CharField()


class JournalResponseSerializer(serializers.Serializer):
    from_ = serializers.DateField()
    to = serializers.DateField()
    cashup_id = serializers.IntegerField(allow_null=True)
    view = serializers.CharField(help_text="unposted: only what changed since the last posting")
    time_zone = serializers.CharField()
    mapping_version = serializers.IntegerField()
    digest = serializers.CharField(help_text="What this journal says (posting checks it)")
    total_debit = MoneyField()
    total_credit = MoneyField()
    lines = JournalLineSerializer(many=True)
    warnings = JournalWarningSerializer(many=True)

    def get_fields(self):
        return rename_from(super().get_fields())


class JournalView(DashboardAPIView):
    @extend_schema(
        operation_id="getJournal",
        summary="The register takings as a balanced journal",
        description=(
            "Journal lines for local days `from`..`to` (default today) of every register the "
            "user may see, or for one cashup's session (`cashup_id`): clearing accounts debited "
            "with what each payment type took, income accounts (net of VAT) and the VAT account "
            "credited, payouts and refunds reversed; debits equal credits exactly. By default "
            "only what is not posted yet (`view=unposted`); `view=all` for everything."),
        tags=["journal"],
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First local day"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last local day"),
            OpenApiParameter("cashup_id", OpenApiTypes.INT, description="One cashup's session"),
            OpenApiParameter("view", OpenApiTypes.STR, enum=[UNPOSTED, ALL]),
        ],
        responses={200: JournalResponseSerializer, 400: error_responses("Invalid query"),
                   401: error_responses("Not authenticated"),
                   403: error_responses("Not allowed to read register figures"),
                   404: error_responses("No such cashup, or not one of the user's libraries")},
    )
    def get(self, request):
        query = JournalQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise QueryValidationError(query.errors)
        data = query.validated_data
        selection = selection_for(request.user, days=data["days"],
                                  cashup_id=data.get("cashup_id"))
        found = report(selection, view=data["view"])
        journal = found.journal
        body = {
            "from": selection.days.first, "to": selection.days.last,
            "cashup_id": selection.cashup_id, "view": found.view, "time_zone": koha_zone().key,
            "mapping_version": journal.mapping_version, "digest": journal.digest,
            "total_debit": journal.total_debit, "total_credit": journal.total_credit,
            "lines": [line.cells() for line in journal.lines],
            "warnings": [{"kind": w.kind, "code": w.code, "amount": w.amount,
                          "account": w.account, "message": w.message}
                         for w in journal.warnings],
        }
        return Response(JournalResponseSerializer(body).data)
