"""kohapay's benchmarks (issue 6): ``python -m tools.bench.run`` (``make bench``).

Everything is stated as a ratio against baselines measured in the same run on the same machine:
a physical floor (the same rows written over mysqlclient, no HTTP), a framework floor (a bare
Django view over a raw cursor, same gunicorn settings) and Koha's two-call flow. The dashboard is
timed at several table sizes next to hand-written SQL that computes the same figures.
Nothing here is imported by kohapay itself.
"""
