"""Koha's side of kohapay: every unmanaged model of a Koha table (``koha.models``), the recipes
that write Koha's rows exactly as Koha does (``koha.recipes``), and the schema tool
(``manage.py koha_schema``). It imports nothing of kohapay's other apps."""
