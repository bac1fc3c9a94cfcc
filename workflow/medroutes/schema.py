"""Dataset schemas with a description of every column, kept as Arrow field metadata.

A step module's ``SCHEMA`` is the one place a column's type and meaning are written; the data
dictionary reads both from it. The Parquet writer stores types only (see ``io.write_parquet``).
"""

from __future__ import annotations

import pyarrow as pa

DESCRIPTION = b"description"


def described(schema: pa.Schema, docs: dict[str, str], where: str) -> pa.Schema:
    """``schema`` with ``docs[column]`` as each field's description; every column needs one."""
    missing = [f.name for f in schema if not docs.get(f.name)]
    extra = sorted(set(docs) - set(schema.names))
    if missing or extra:
        raise ValueError(f"{where}: columns without a description {missing}; descriptions of no column {extra}")
    return pa.schema([f.with_metadata({DESCRIPTION: docs[f.name].encode()}) for f in schema])


def description(f: pa.Field) -> str:
    return (f.metadata or {}).get(DESCRIPTION, b"").decode()


def types_only(schema: pa.Schema) -> pa.Schema:
    """The schema as written to Parquet: names, types and nullability, no field metadata."""
    return pa.schema([f.remove_metadata() for f in schema], metadata=schema.metadata)
