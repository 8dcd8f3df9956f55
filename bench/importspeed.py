"""``python -m bench.importspeed FILE``: import a results CSV into the (empty) database that
DATABASE_URL names, through ``athletes.importing.import_results``, and print rows per second."""

import json
import os
import sys
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rivalries.settings")
    import django  # after DJANGO_SETTINGS_MODULE is set

    django.setup()
    from athletes.importing import import_results  # needs django.setup()

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
                "summary": report.lines(),
            }
        )
    )


if __name__ == "__main__":
    main()
