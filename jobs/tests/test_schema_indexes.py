"""The jobs tables carry the indexes their lookups need and no index that another one already
covers: every row a task's claim or completion writes updates each index of its table."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes(table: str, *, plain_only: bool = False) -> dict[str, list[str]]:
    """Name → columns of each index of ``table``, primary key and unique constraints included
    unless ``plain_only`` (those enforce a rule, so another index never makes them redundant)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: c["columns"]
        for name, c in constraints.items()
        if (c["index"] or c["unique"] or c["primary_key"]) and not (plain_only and (c["unique"] or c["primary_key"]))
    }


def _tables() -> list[str]:
    return [model._meta.db_table for model in apps.get_app_config("jobs").get_models()]


def test_no_index_of_the_jobs_tables_is_the_leading_part_of_another() -> None:
    redundant = []
    for table in _tables():
        indexes = _indexes(table)
        for name, columns in _indexes(table, plain_only=True).items():
            for other, longer in indexes.items():
                if other != name and len(longer) > len(columns) and longer[: len(columns)] == columns:
                    redundant.append(f"{table}.{name} {columns} is covered by {other} {longer}")
    assert redundant == []


def test_every_foreign_key_of_the_jobs_tables_leads_an_index() -> None:
    """A cascade or a lookup by parent reads the child table by that column."""
    missing = []
    for model in apps.get_app_config("jobs").get_models():
        leading = {columns[0] for columns in _indexes(model._meta.db_table).values() if columns}
        for field in model._meta.concrete_fields:
            if field.is_relation and field.column not in leading:
                missing.append(f"{model._meta.db_table}.{field.column}")
    assert missing == []


def test_a_task_s_job_has_no_index_of_its_own_beside_the_job_and_key_one() -> None:
    """The foreign key's own index is gone; the composite one leads with the same column."""
    indexes = _indexes("jobs_task")
    assert ["job_id"] not in indexes.values()
    assert ["job_id", "key"] in indexes.values()
