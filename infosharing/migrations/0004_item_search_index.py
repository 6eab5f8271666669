"""Full-text search index on items (PostgreSQL only): a GIN index on exactly the expression the item
search builds (infosharing.selectors._search_candidates), as the registry does (stakeholders 0006).
Other databases search with a simpler match and need no index."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations


def _index() -> GinIndex:
    return GinIndex(SearchVector("title", "category", config="simple"), name="infosharing_item_search_idx")


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("infosharing", "InformationItem"), _index())


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("infosharing", "InformationItem"), _index())


class Migration(migrations.Migration):
    dependencies = [("infosharing", "0003_related_items")]

    operations = [migrations.RunPython(create, drop)]
