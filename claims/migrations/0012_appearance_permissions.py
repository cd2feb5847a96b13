"""The desk groups gain the appearance and inbox permissions (issue 15)."""

from django.db import migrations

from claims.defaults import sync_desk_groups


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0011_article_import_appearance"),
        ("intake", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_desk_groups, migrations.RunPython.noop)]
