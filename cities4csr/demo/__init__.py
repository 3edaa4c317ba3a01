"""Demo data: the CITIES4CSR network, Sofia's working group, its Action Table and
its 2021 meetings (the third one, on 16.09.2021, is the one Sofia Municipality
reported on), plus a small roadmap for Vratsa so that city scoping can be seen.

``data`` holds the data, ``loader`` loads it idempotently.
"""

from .data import DEMO_PASSWORD, DEMO_USERS
from .loader import HISTORY_REASON, SUMMARY_MODELS, LoadResult, load

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "HISTORY_REASON", "SUMMARY_MODELS", "LoadResult", "load"]
