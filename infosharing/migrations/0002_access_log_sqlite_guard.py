"""On SQLite (the embedded default) the access log refuses UPDATE by trigger. DELETE is refused by
the model and its queryset; a DELETE trigger would also block the test runner's table flush.
On PostgreSQL the pgtrigger protect trigger of 0001 refuses both."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        "CREATE TRIGGER IF NOT EXISTS infosharing_accesslog_no_update BEFORE UPDATE ON infosharing_accesslog "
        "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS infosharing_accesslog_no_update")


class Migration(migrations.Migration):
    dependencies = [("infosharing", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
