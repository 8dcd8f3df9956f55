"""``manage.py count_pairs``: count "rivalries in the data" anew."""

import time

from django.core.management.base import BaseCommand

from rivalries import lists
from rivalries.caching import data_changed


class Command(BaseCommand):
    help = (
        "Count every pair of athletes who met and keep the busiest without a rivalry page, for"
        " the rivalries list's 'Rivalries in the data'. It aggregates the whole results table"
        " (seconds on a large record), so run it from cron (hourly, say) and after large"
        " imports, not from a page."
    )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        stored = lists.count_in_the_data()
        data_changed()  # the rivalries list shows the new count on its next request
        seconds = time.perf_counter() - started
        self.stdout.write(f"Counted rivalries in the data: {stored} pairs kept in {seconds:.1f} s")
