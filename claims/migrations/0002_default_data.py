from django.db import migrations

from claims.defaults import install_default_scale, sync_desk_groups


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(install_default_scale, migrations.RunPython.noop),
        migrations.RunPython(sync_desk_groups, migrations.RunPython.noop),
    ]
