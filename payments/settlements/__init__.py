"""A device's own end-of-day totals against the register (issue 17): ``views`` (the route) and
``selectors`` (the comparison with the register's lines). The write is
``payments.services.settlements``."""
