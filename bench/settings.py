"""The site's own settings (from the environment, as in production) plus what the benchmark
measures with: a trivial view for the ceiling, and a server-time header on every response."""

from rivalries.settings import *  # noqa: F403
from rivalries.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.server_timing", *MIDDLEWARE]
# The trivial view is the ceiling: Django with nothing to do, not even a cache lookup.
PAGE_CACHE_PRIVATE_PATHS = ("/admin/", "/_bench/")
# Its own collected static files, so a benchmark never rewrites the ones tests or `make serve` use.
STATIC_ROOT = BASE_DIR / "bench" / "staticfiles"  # noqa: F405
