"""Demo data: the CITIES4CSR network, Sofia's working group, its Action Table and
its 2021 meetings (the third one, on 16.09.2021, is the one Sofia Municipality
reported on), plus a small roadmap for Vratsa so that city scoping can be seen.

``data`` holds the network's data, ``roadmaps``, ``meetings`` and ``resources`` the
rest; ``loader`` loads it all idempotently (``meetings`` and ``resources`` their own part).
"""

from .data import DEMO_PASSWORD, DEMO_USERS, HISTORY_REASON
from .loader import SUMMARY_MODELS, LoadResult, load

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "HISTORY_REASON", "SUMMARY_MODELS", "LoadResult", "load"]
