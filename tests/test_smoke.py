from koha.models import AccountLine, DebitType


def test_koha_world_is_built_on_mariadb(koha, django_db_blocker):
    from django.db import connection

    assert connection.vendor == "mysql"
    assert DebitType.objects.filter(code="PRINT", can_be_sold=True).exists()
    assert AccountLine.objects.count() == 0
