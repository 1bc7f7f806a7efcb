"""Benchmarks: ``make bench`` (``python -m bench.rush``: the registration rush) and
``bench/guarantee.py`` (Faust's processing guarantees on a real broker)."""
