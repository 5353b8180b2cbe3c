"""Sales without a patron at a register, and refunds (issue 16): ``views`` (routes and each one's
Koha requirement), ``serializers`` (request shapes), ``responses`` (answers, in Koha's shapes),
``references`` (what the rules read, in one query), ``selectors`` (the client's own sales),
``openapi`` (their description). The writes are ``payments.services.sale`` and its rules.

Nothing is imported here: the services import ``references``, and the views the services."""
