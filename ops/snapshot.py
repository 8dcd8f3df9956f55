"""Print, as JSON, what readers would see from the database at DATABASE_URL: every head-to-head
tally between athletes who met, and the HTML of every public page.

Two snapshots are equal when two databases show readers the same thing: run it before a
backup and after a restore (tests/test_backup.py does) and compare. Each page is rendered with
a fresh process's empty cache; the per-response CSP nonce is blanked out, the only part of a
page that differs from one rendering to the next.

    DATABASE_URL=postgres://... .venv/bin/python ops/snapshot.py > before.json
"""

from __future__ import annotations

import json
import os
import re
import sys
from itertools import groupby
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
NONCE = re.compile(r"""(nonce=["']|'nonce-)[\w-]+""")


def setup() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rivalries.settings")
    os.environ.setdefault("PAGE_CACHE", "false")
    import django  # after the settings module is chosen

    django.setup()
    from django.conf import settings

    # Static URLs without `collectstatic`: the same in every snapshot.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def head_to_heads() -> dict[str, dict[str, int]]:
    from athletes import headtohead
    from athletes.models import Athlete, Result

    pairs = set()
    rows = Result.objects.order_by("race_id", "athlete_id").values_list("race_id", "athlete_id")
    for _, race_rows in groupby(rows, key=lambda row: row[0]):
        athletes = [athlete_id for _, athlete_id in race_rows]
        pairs.update((a, b) for i, a in enumerate(athletes) for b in athletes[i + 1 :])
    by_id = Athlete.objects.in_bulk({pk for pair in pairs for pk in pair})
    tallies = {}
    for a_id, b_id in sorted(pairs):
        h2h = headtohead.between(by_id[a_id], by_id[b_id])
        tally = h2h.overall
        tallies[f"{by_id[a_id].slug} v {by_id[b_id].slug}"] = {
            "meetings": tally.meetings,
            "a_ahead": tally.a_ahead,
            "b_ahead": tally.b_ahead,
            "ties": tally.ties,
            "no_decision": tally.no_decision,
        }
    return tallies


def public_paths() -> list[str]:
    from athletes.models import Athlete, Race
    from rivalries.models import Quote, Rivalry

    paths = ["/", "/rivalries/", "/athletes/", "/sitemap.xml", "/robots.txt", "/search/?q=a"]
    for rivalry in Rivalry.objects.published().order_by("pk"):
        base = rivalry.get_absolute_url()
        paths += [base, f"{base}feed/", f"/api/v1/rivalries/{rivalry.slug}/timeline/"]
        members = list(rivalry.members.all())
        if len(members) > 1:
            a, b = members[0].slug, members[1].slug
            paths += [f"/h2h/{a}/vs/{b}/", f"/api/v1/h2h/{a}/{b}/"]
    paths += [athlete.get_absolute_url() for athlete in Athlete.objects.order_by("pk")]
    paths += [race.get_absolute_url() for race in Race.objects.order_by("pk")]
    paths += [quote.get_absolute_url() for quote in Quote.objects.published().order_by("pk")]
    return paths


def pages() -> dict[str, dict[str, object]]:
    from django.test import Client

    client = Client()
    shown = {}
    for path in public_paths():
        response = client.get(path)
        shown[path] = {
            "status": response.status_code,
            "body": NONCE.sub(r"\1-", response.content.decode()),
        }
    return shown


def main() -> None:
    setup()
    json.dump({"head_to_head": head_to_heads(), "pages": pages()}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
