"""Demo data for `manage.py seed_demo`: a small Koha world and a bulk history of charge-and-pay.

* ``catalogue`` — what the world holds (libraries, registers, staff, debit and payment types);
* ``names`` — first names and surnames for patrons;
* ``library`` — writes that world with the ORM (only what is missing) and loads it back;
* ``history`` — plans each day's events (payments, payouts, cashups) from a seeded random source;
* ``ledger`` — turns one event into exactly the rows Koha writes (spec §3.6, §4.3, §4.4, §8.3);
* ``perl`` — Koha's ``action_logs.info`` format (Perl Data::Dumper);
* ``bulk`` — multi-row INSERTs in batches, one transaction per batch, on MariaDB and SQLite.

Demo and test databases only: kohapay never seeds a real Koha database.
"""
