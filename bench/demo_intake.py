"""``python -m bench.demo_intake``: what each demo race and article takes through the intake.

Loads the demo into the (empty, migrated) database DATABASE_URL names, in load_demo's order,
timing each pasted table through ``import_results`` (the paste box's importer) and each
article through ``read_article`` (what "Quotes from an article" proposes), and counting what
an editor would have had to correct: lines the table reader flags, names matched only by an
alias, athletes it had to create; statements proposed, kept as proposed, kept with their words
corrected, and dropped. Prints one JSON object per race and article (the rows of
``rivalries/demo/kipyegon-tsegay/INTAKE.md``). Not part of ``make test``.
"""

import datetime
import json
import os
import time
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rivalries.settings")
    import django  # after DJANGO_SETTINGS_MODULE is set

    django.setup()
    from django.core.management import call_command

    from athletes import pasting
    from athletes.importing import import_results, race_row
    from athletes.importing.readers.pasted import parts
    from athletes.models import Athlete
    from athletes.text import fold
    from rivalries.article_intake import read_article
    from rivalries.management.commands import load_demo

    def races(folder: Path) -> None:
        manifest = json.loads((folder / "races.json").read_text(encoding="utf-8"))
        for spec in manifest["races"]:
            path = folder / spec["file"]
            text = path.read_text(encoding="utf-8")
            pasted = [row for _, _, part in parts(text) for row in pasting.parse(part)]
            known = {fold(name) for name in Athlete.objects.values_list("name", flat=True)}
            by_alias = sum(
                1
                for row in pasted
                if fold(row.name) not in known and Athlete.objects.matching(row.name).exists()
            )
            started = time.perf_counter()
            report = import_results(
                path,
                filename=spec["file"],
                race=race_row(**{k: spec[k] for k in load_demo.RACE_FIELDS if k in spec}),
                create_athletes=True,
            )
            seconds = time.perf_counter() - started
            print(
                json.dumps(
                    {
                        "race": f"{folder.name}/{spec['file']}",
                        "rows": report.rows,
                        "seconds": round(seconds, 3),
                        "flagged": sum(1 for row in pasted if row.problem),
                        "by_alias": by_alias,
                        "athletes_created": report.counts["athletes"].created,
                        "errors": len(report.errors),
                        "parts": len(list(parts(text))),
                        "left_out": len(spec.get("left_out", [])),
                    },
                    ensure_ascii=False,
                )
            )

    def articles(folder: Path, reviews: list[dict]) -> None:
        for spec in reviews:
            text = (folder / spec["file"]).read_text(encoding="utf-8")
            started = time.perf_counter()
            result = read_article(
                text,
                url=spec["url"],
                published_on=datetime.date.fromisoformat(spec["published_on"]),
                publisher=spec["publisher"],
                language=spec["language"],
            )
            seconds = time.perf_counter() - started
            proposed = result.found
            kept = [
                (p, r) for r in spec["keep"] for p in proposed if p.text.startswith(r["starts"])
            ]
            load_demo.review_article(spec, folder)
            print(
                json.dumps(
                    {
                        "article": f"{folder.name}/{spec['file']}",
                        "seconds": round(seconds, 3),
                        "proposed": len(proposed),
                        "kept_as_proposed": sum(1 for p, r in kept if r["text"] == p.text),
                        "kept_words_corrected": sum(1 for p, r in kept if r["text"] != p.text),
                        "speaker_set": sum(
                            1
                            for p, r in kept
                            if p.speaker is None or p.speaker.name != r["speaker"]
                        ),
                        "dropped": len(proposed) - len(kept),
                    },
                    ensure_ascii=False,
                )
            )

    call_command("migrate", verbosity=0)
    demo = load_demo.DEMO_DIR
    load_demo.load_athletes(demo / "athletes.csv")
    races(demo)
    articles(demo, [json.loads((demo / "article.json").read_text(encoding="utf-8"))])
    load_demo.load_athletes(load_demo.SECOND_DIR / "athletes.csv")
    races(load_demo.SECOND_DIR)
    second = load_demo.SECOND_DIR
    articles(second, json.loads((second / "articles.json").read_text(encoding="utf-8"))["articles"])


if __name__ == "__main__":
    main()
