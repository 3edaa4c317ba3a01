"""`make bench`: the Action Table, the workbook and its import timed against peers.

Run as ``python -m bench``; bench/README.md says what each figure means.
"""
