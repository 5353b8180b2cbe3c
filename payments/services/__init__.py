"""Writes of the payments app. Two paths write Koha's ledger, and nothing else does:
``record_payment`` (``intake``: a charge and its payment) and ``pay_debits`` (``pay``: a payment
of debits the patron already owes); ``clients`` manages API clients; ``purge`` forgets expired
idempotency keys.

Koha's ledger in ten lines (spec ``koha-accounting.md``):

- ``accountlines`` holds debits (amount > 0, what the patron owes) and credits (amount < 0,
  payments, write-offs…); ``amountoutstanding`` runs from ``amount`` towards 0.
- A patron's balance is SUM(amountoutstanding) of their lines: positive means they owe.
- ``account_offsets`` record movements: CREATE when a line is born (+A for a debit and, in
  ``add_credit``, +A for a credit too), APPLY when a credit pays a debit (−x, credit_id → debit_id).
- A payment at a till carries ``register_id`` on the *credit* only: register totals are
  SUM(amount) of the lines carrying the register, so −A is the money taken in; a charge never
  carries it, or the till would net to zero.
- ``statistics`` gets one ``payment`` row per PAYMENT credit; with FinesLog on, ``action_logs``
  gets one FINES/CREATE row per line, its ``info`` a Perl Data::Dumper text.
"""
