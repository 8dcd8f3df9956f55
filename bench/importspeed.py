"""``python -m bench.importspeed FILE``: import a results CSV into the (empty) database that
DATABASE_URL names, through ``athletes.importing.import_results``, and print rows per second
and the process's peak memory (its largest resident set)."""

import json
import os
import resource
import sys
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rivalries.settings")
    import django  # after DJANGO_SETTINGS_MODULE is set

    django.setup()
    from django.conf import settings

    from athletes.importing import import_results  # needs django.setup()

    settings.IMPORT_MAX_BYTES = 10**10  # the bench's largest file is over the default limit

    path = sys.argv[1]
    started = time.perf_counter()
    report = import_results(path, create_athletes=True)
    seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit("\n".join(report.lines()[:20]))
    print(
        json.dumps(
            {
                "rows": report.rows,
                "seconds": round(seconds, 2),
                "rows_per_s": round(report.rows / seconds, 1),
                "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "summary": report.lines(),
            }
        )
    )


if __name__ == "__main__":
    main()
