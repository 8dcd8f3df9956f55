"""Server-side measurements for the benchmark, outermost in the stack.

``Server-Timing: app;dur=<ms>`` on every response: the time from the request reaching Django to
the response leaving it (page cache, middleware, view), without the network or the client.
A request with ``X-Bench-Queries: 1`` also gets ``X-Queries``: the SQL statements it ran.
"""

import time
from collections.abc import Callable
from contextlib import ExitStack

from django.db import connections
from django.http import HttpRequest, HttpResponseBase


def server_timing(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    def middleware(request: HttpRequest) -> HttpResponseBase:
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        if request.headers.get("X-Bench-Queries") == "1":
            with ExitStack() as stack:
                for connection in connections.all():
                    stack.enter_context(connection.execute_wrapper(count))
                response = get_response(request)
            response["X-Queries"] = str(queries)
        else:
            response = get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed_ms:.2f}"
        return response

    return middleware
