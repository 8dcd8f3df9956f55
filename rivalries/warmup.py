"""Work every worker would do on its first request, done once in gunicorn's master instead.

With ``preload_app`` the master imports the site and then forks its workers. What is built
lazily on a first request (the URL resolver and the view modules it imports, the translation
catalogue, compiled templates) is built here, before the fork, so every worker starts with it
and shares its memory pages. Nothing here touches the database or the cache: connections
must not cross a fork.
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation


def site_templates() -> list[str]:
    """The names of the site's own templates (``templates/``), partials' files included."""
    names = []
    for folder in settings.TEMPLATES[0]["DIRS"]:
        root = Path(folder)
        names += [path.relative_to(root).as_posix() for path in sorted(root.rglob("*.html"))]
    return names


def warm() -> None:
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 (imports every view module)
    resolver.reverse_dict  # noqa: B018 (compiles every route, as the first reverse() would)
    translation.activate(settings.LANGUAGE_CODE)  # loads the catalogue
    for name in site_templates():
        get_template(name)
