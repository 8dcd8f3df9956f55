"""gunicorn's settings for production and ``make serve``, read from the environment.

``gunicorn -c gunicorn.conf.py`` serves ``rivalries.wsgi``; whitenoise serves the static files
(run ``manage.py collectstatic`` first), so no other server is needed behind a proxy.

- ``HOST`` (default 127.0.0.1; ``0.0.0.0`` in a container) and ``PORT`` (default 8000);
- ``WEB_CONCURRENCY``: worker processes, default two per CPU plus one. Pages are CPU-bound
  Python; the extra workers cover the time each waits on PostgreSQL or Redis;
- ``GUNICORN_TIMEOUT`` (default 30 s); ``ACCESS_LOG=true`` logs every request to stdout;
- ``FORWARDED_ALLOW_IPS``: the proxies trusted to say the scheme (default loopback only).
"""

import multiprocessing
import os

wsgi_app = "rivalries.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# Load the app once in the master: workers start fast and share its memory pages.
preload_app = True


def when_ready(server) -> None:
    """In the master, before the workers fork: build what their first request would."""
    from rivalries.warmup import warm

    warm()


timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-" if os.environ.get("ACCESS_LOG", "").lower() in {"1", "true", "yes"} else None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
