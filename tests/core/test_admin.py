"""Admin smoke test over every registered admin; Koha's tables are read-only there."""
import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import busy_days, charge_and_pay, kohapay_intake
from tests.helpers import utc

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
KOHA_TABLES = [(model, model_admin) for model, model_admin in REGISTERED if not model._meta.managed]


@pytest.fixture
def superuser_client(client, db):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    return client


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", [m for m, _ in REGISTERED], ids=lambda m: m._meta.label)
def test_every_changelist_renders(koha, superuser_client, model):
    busy_days(koha, [utc(2024, 5, 2).date()], per_day=2)

    response = superuser_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", [m for m, _ in KOHA_TABLES], ids=lambda m: m._meta.label)
def test_koha_tables_cannot_be_added_changed_or_deleted(koha, superuser_client, model, rf):
    busy_days(koha, [utc(2024, 5, 2).date()], per_day=2)
    obj = model.objects.first()
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = User.objects.get(username="root")

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)
    assert superuser_client.get(admin_url(model, "add")).status_code == 403
    assert superuser_client.post(admin_url(model, "add"), {}).status_code == 403
    if obj is not None:
        assert superuser_client.get(admin_url(model, "change", obj.pk)).status_code == 200
        before = model.objects.count()
        deleting = superuser_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"})
        assert deleting.status_code == 403
        assert model.objects.count() == before


def _listed_ids(response):
    return {obj.pk for obj in response.context["cl"].result_list}


def test_account_lines_search_by_card_number_line_id_and_external_id(koha, superuser_client):
    paid = charge_and_pay(register=koha.register, at=utc(2024, 5, 2, 10), amount="2.50",
                          patron=koha.patron, manager=koha.staff)
    intake = kohapay_intake(paid, external_id="EXT-777")
    other = charge_and_pay(register=koha.register, at=utc(2024, 5, 2, 11), amount="1.00",
                           patron=koha.staff, manager=koha.staff)
    url = admin_url(paid.credit.__class__, "changelist")

    by_card = _listed_ids(superuser_client.get(url, {"q": koha.patron.cardnumber}))
    by_id = _listed_ids(superuser_client.get(url, {"q": str(other.credit.pk)}))
    by_external = _listed_ids(superuser_client.get(url, {"q": intake.external_id}))

    assert by_card == {paid.debit.pk, paid.credit.pk}
    assert by_id == {other.credit.pk}
    assert by_external == {paid.debit.pk, paid.credit.pk}


def test_account_lines_filters(koha, superuser_client):
    busy_days(koha, [utc(2024, 5, 2).date()], per_day=4)
    from koha.models import AccountLine

    url = admin_url(AccountLine, "changelist")
    by_type = _listed_ids(superuser_client.get(url, {"payment_type": "SIP01"}))
    by_register = _listed_ids(
        superuser_client.get(url, {"register__id__exact": koha.other_register.id}))
    by_debit = _listed_ids(superuser_client.get(url, {"debit_type__code__exact": "MANUAL"}))

    def ids(**filters):
        return set(AccountLine.objects.filter(**filters).values_list("pk", flat=True))

    assert by_type and by_type == ids(payment_type="SIP01")
    assert by_register == ids(register=koha.other_register)
    assert by_debit == ids(debit_type="MANUAL")


def test_date_drill_down_works_without_time_zone_tables(koha, superuser_client, settings):
    """MariaDB here has no named zones: the drill-down falls back to UTC days, not to nothing."""
    from koha.models import AccountLine

    settings.TIME_ZONE = "America/New_York"
    charge_and_pay(register=koha.register, at=utc(2024, 5, 2, 10), amount="2.50",
                   patron=koha.patron, manager=koha.staff)

    response = superuser_client.get(admin_url(AccountLine, "changelist"))

    assert response.status_code == 200
    assert b"2024" in response.content  # the year link of the drill-down
    days = superuser_client.get(admin_url(AccountLine, "changelist"),
                                {"date__year": 2024, "date__month": 5, "date__day": 2})
    assert len(_listed_ids(days)) == 2
