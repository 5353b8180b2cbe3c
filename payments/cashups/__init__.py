"""Cashups over the API (issue 17): ``views`` (the routes, Koha's ``cash_management: cashup``
for Koha keys), ``selectors`` (the reads), ``serializers`` (bodies and Koha's ``cashup`` shape),
``summary`` (Koha's ``Cashup::summary``), ``exceptions``, ``urls``. The write is
``payments.services.cashups``; the rows ``koha.recipes.cashup``."""
