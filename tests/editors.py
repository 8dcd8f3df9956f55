"""An editor account in the "Editors" group, for the admin tests.

The group is made by a data migration. A transactional (browser) test empties every table
when it ends, group included, so tests ask the migration's own function for it: it finds the
group where the migration left it, or makes it again exactly as the migration does.
"""

import importlib
from html.parser import HTMLParser

from concurrency.forms import VersionFieldSigner
from django.apps import apps
from django.contrib.auth.models import Group, User

PASSWORD = "a-long-editor-password"

_migration = importlib.import_module("rivalries.migrations.0002_editors_group")


def editors_group() -> Group:
    return _migration.create_editors_group(apps)


def make_editor(username: str = "editor", password: str | None = None) -> User:
    """Without a password (quick: nothing to hash) for the test client's ``force_login``."""
    user = User.objects.create_user(username, password=password, is_staff=True)
    user.groups.add(editors_group())
    return user


def opened_version(obj) -> str:
    """The hidden ``version`` value a change form opened now carries (signed, as rendered)."""
    return VersionFieldSigner().sign(obj.version)


class _FormReader(HTMLParser):
    """The fields of a page's change form, as a browser would send them unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.in_form = False
        self.select: str | None = None
        self.textarea: str | None = None

    def _add(self, name: str | None, value: str) -> None:
        if name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attr = dict(attrs)
        if tag == "form" and attr.get("method", "").lower() == "post":
            self.in_form = True
        if not self.in_form:
            return
        kind = attr.get("type", "text")
        if tag == "input" and kind not in ("submit", "button", "file", "image", "reset"):
            if kind in ("checkbox", "radio") and "checked" not in attr:
                return
            self._add(attr.get("name"), attr.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self.select = attr.get("name")
        elif tag == "option" and self.select and "selected" in attr:
            self._add(self.select, attr.get("value", ""))
        elif tag == "textarea":
            self.textarea = attr.get("name")
            self._add(self.textarea, "")

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea:  # a browser drops the newline right after <textarea>
                value = self.data[self.textarea][-1]
                self.data[self.textarea][-1] = value.removeprefix("\n")
            self.textarea = None


def open_form(client, url: str) -> dict[str, list[str]]:
    """GET a change form and return what saving it unchanged would POST."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return form_fields(response)


def form_fields(response) -> dict[str, list[str]]:
    """What the page's POST form would send unchanged."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    reader.data.pop("csrfmiddlewaretoken", None)
    return reader.data
