"""The "Editors" group: enter, change, delete and publish the record and the story; nothing else.

Exactly: add/change/delete/view on every model of the athletes and rivalries apps, view on
their edit histories, and the admin import page. Nothing over users, groups or permissions, so
an editor cannot give themselves more. Publishing is a change to a quote, so it needs no
permission of its own.

``create_editors_group`` is also what the tests call to restore the group after a
transactional test has emptied the tables.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editors"
APPS = ("athletes", "rivalries")
IMPORT_PERMISSION = ("import_csv", "Can import results and quotes from CSV files")
ACTIONS = ("add", "change", "delete", "view")


def _ensure_model_permissions(apps, using):
    """Model permissions are made after migrations run (post_migrate): make them now."""
    for label in APPS:
        app_config = apps.get_app_config(label)
        models_module = getattr(app_config, "models_module", None)
        # The historical app registry leaves models_module unset, which create_permissions
        # takes to mean "no models".
        app_config.models_module = models_module or True
        create_permissions(app_config, verbosity=0, apps=apps, using=using)
        app_config.models_module = models_module


def editor_codenames(apps):
    """(app label, codename) of every permission the group holds, import page excluded."""
    wanted = []
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if not model._meta.default_permissions:  # derived data nobody edits (BusyPair)
                continue
            name = model._meta.model_name
            actions = ("view",) if name.startswith("historical") else ACTIONS
            wanted += [(label, f"{action}_{name}") for action in actions]
    return wanted


def create_editors_group(apps, schema_editor=None):
    using = schema_editor.connection.alias if schema_editor else "default"
    _ensure_model_permissions(apps, using)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    permissions = []
    for label, codename in editor_codenames(apps):
        permissions.append(
            Permission.objects.using(using).get(content_type__app_label=label, codename=codename)
        )
    # The import page belongs to no model; its permission hangs on Quote's content type, so it
    # reads "rivalries.import_csv" and is listed with the rivalries app.
    quote_type, _ = ContentType.objects.using(using).get_or_create(
        app_label="rivalries", model="quote"
    )
    codename, name = IMPORT_PERMISSION
    import_permission, _ = Permission.objects.using(using).get_or_create(
        content_type=quote_type, codename=codename, defaults={"name": name}
    )
    permissions.append(import_permission)

    group, _ = Group.objects.using(using).get_or_create(name=GROUP)
    group.permissions.set(permissions)
    return group


def delete_editors_group(apps, schema_editor):
    using = schema_editor.connection.alias
    apps.get_model("auth", "Group").objects.using(using).filter(name=GROUP).delete()
    apps.get_model("auth", "Permission").objects.using(using).filter(
        content_type__app_label="rivalries", codename=IMPORT_PERMISSION[0]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("athletes", "0001_initial"),
        ("rivalries", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, delete_editors_group)]
