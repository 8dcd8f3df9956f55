"""``manage.py import_article FILE --url URL --published YYYY-MM-DD [--publisher NAME]
[--language xx] [--dry-run] [--json]``: an article's statements, as unpublished quotes."""

from __future__ import annotations

import datetime
import json
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import URLValidator

from rivalries.article_intake import ArticleError, describe, import_article
from rivalries.importing import parse_language


class Command(BaseCommand):
    help = (
        "Read a news article (UTF-8 text) and propose the statements in it: speaker, targets,"
        " date. Without --dry-run the new ones are saved as unpublished quotes of the article"
        " for an editor to review and publish; statements it already holds are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the article as UTF-8 text")
        parser.add_argument("--url", required=True, help="where the article was published")
        parser.add_argument("--published", required=True, help="its publication day, YYYY-MM-DD")
        parser.add_argument("--publisher", default="", help='"The Athletic", "NRK"')
        parser.add_argument("--language", default="", help="ISO 639-1 (en, no); else detected")
        parser.add_argument("--dry-run", action="store_true", help="propose only: write nothing")
        parser.add_argument(
            "--json", action="store_true", help="print the new proposals as a JSON list"
        )

    def handle(self, *args, **options) -> None:
        path, url = options["file"], options["url"].strip()
        if not os.path.isfile(path):
            raise CommandError(f"{path}: no such file")
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                text = handle.read()
        except UnicodeDecodeError as error:
            raise CommandError(f"{path}: not UTF-8 text ({error.reason})") from None
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise CommandError(f"--url '{url}' is not an http(s) URL") from None
        try:
            published = datetime.date.fromisoformat(options["published"])
        except ValueError:
            raise CommandError(
                f"--published '{options['published']}' is not a date: write YYYY-MM-DD"
            ) from None
        try:
            language = parse_language(options["language"]) if options["language"] else None
            result = import_article(
                text,
                url=url,
                published_on=published,
                publisher=options["publisher"].strip(),
                language=language,
                dry_run=options["dry_run"],
            )
        except (ArticleError, ValueError) as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            payload = [proposal.as_json() for proposal in result.new]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        held = len(result.found) - len(result.new)
        self.stdout.write(
            f"{path}: {len(result.found)} statements found, {len(result.new)} new"
            + (f", {held} already held" if held else "")
        )
        for line in describe(result.new):
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing written.")
        elif result.saved:
            self.stdout.write(
                f"Saved {len(result.saved)} unpublished quotes of article #{result.article.pk}:"
                " review and publish them in the admin."
            )
