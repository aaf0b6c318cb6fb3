"""The Core tables of `tracker.tables` are the models' tables: one definition.

The models map onto them field by field (`Field(sa_column=...)`); a field naming a
column the table lacks fails when the class is built, and these tests catch the
other ways the two could part."""

from __future__ import annotations

import pytest
from sqlmodel import SQLModel

from tracker import models, tables

MAPPED = [
    (models.Actor, tables.actor),
    (models.ActorAlias, tables.actor_alias),
    (models.Location, tables.location),
    (models.Event, tables.event),
    (models.EventSource, tables.event_source),
    (models.EventActor, tables.event_actor),
]


@pytest.mark.parametrize(("model", "table"), MAPPED, ids=lambda v: str(v))
def test_tables_model_is_mapped_onto_core_table_field_by_field(
    model: type[SQLModel], table
) -> None:
    assert model.__table__ is table
    assert list(model.model_fields) == list(table.c.keys())


@pytest.mark.parametrize(("model", "table"), MAPPED, ids=lambda v: str(v))
def test_tables_model_defaults_are_the_columns_defaults(
    model: type[SQLModel], table
) -> None:
    """A row the ORM builds and a row written in bulk through the table get the same
    values for what they leave out."""
    for name, field in model.model_fields.items():
        column_default = table.c[name].default
        if field.default_factory is not None:
            # SQLAlchemy wraps a callable default to pass it the context.
            made_by = column_default and column_default.arg.__wrapped__
            assert made_by in (None, field.default_factory), name
        elif column_default is not None:
            assert column_default.arg == field.default, name


def test_tables_share_one_metadata_with_every_model_table() -> None:
    assert SQLModel.metadata is tables.metadata is models.metadata
    assert {"event", "source", "event_change"} <= set(tables.metadata.tables)
