"""An editor account in the "Editors" group, for the admin tests.

The group is made by a data migration. A transactional (browser) test empties every table
when it ends, group included, so tests ask the migration's own function for it: it finds the
group where the migration left it, or makes it again exactly as the migration does.
"""

import importlib

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
