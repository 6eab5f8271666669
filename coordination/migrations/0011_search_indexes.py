"""Full-text search indexes (PostgreSQL only): GIN indexes on exactly the expressions the header
search builds (core.search.text_filter) for the coordination kinds (coordination/search.py).
Other databases search with a simpler match and need no index."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEXES = [
    ("Committee", "coordination_committee_search", ("name", "acronym", "remit")),
    ("Meeting", "coordination_meeting_search", ("title", "location")),
    ("AgendaItem", "coordination_item_search", ("title", "description")),
    ("Decision", "coordination_decision_search", ("text",)),
]


def _index(name: str, fields: tuple[str, ...]) -> GinIndex:
    return GinIndex(SearchVector(*fields, config="simple"), name=name)


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, name, fields in INDEXES:
        schema_editor.add_index(apps.get_model("coordination", model), _index(name, fields))


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, name, fields in INDEXES:
        schema_editor.remove_index(apps.get_model("coordination", model), _index(name, fields))


class Migration(migrations.Migration):
    dependencies = [("coordination", "0010_papers")]

    operations = [migrations.RunPython(create, drop)]
