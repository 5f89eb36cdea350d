"""statengine benchmarks: ``python -m benchmarks <scenario> [options]``.

Each scenario calls only the public API and prints a table; nothing here is
asserted (speed is measured, not tested). Results are recorded in
``benchmarks/README.md``.
"""
