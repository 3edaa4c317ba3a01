"""The project's URLs plus the benchmark's comparison admin (bench/baselines.py).

Used only inside `python -m bench`: the real URLconf stays as it is.
"""

from django.urls import path

from cities4csr.urls import handler500  # noqa: F401  (the project's 500 page)
from cities4csr.urls import urlpatterns as project_urlpatterns

from .baselines import paged_site, site

urlpatterns = [
    path("bench-admin/", site.urls),
    path("bench-admin-paged/", paged_site.urls),
    *project_urlpatterns,
]
