from django.db import migrations


def create_trigram_extension(apps, schema_editor):
    # "Already checked?" uses trigram similarity on PostgreSQL; SQLite has a plain fallback.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_speaker_pronoun_dismissals")]

    operations = [migrations.RunPython(create_trigram_extension, migrations.RunPython.noop)]
