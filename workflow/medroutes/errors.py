"""Errors a researcher can act on: they name the file, the place, the value and what was expected."""

from __future__ import annotations


class MedroutesError(Exception):
    """Base class for every error the pipeline raises on purpose."""


class InputError(MedroutesError):
    """Raw input that cannot be read as its source's native format."""

    def __init__(self, file, problem: str, *, where: str | None = None, column: str | None = None,
                 value=None, expected: str | None = None):
        self.file, self.where, self.column, self.value, self.expected = file, where, column, value, expected
        parts = [f"{file}:"]
        if where:
            parts.append(f"{where}:")
        if column:
            parts.append(f"column {column!r}:")
        parts.append(problem)
        if value is not None:
            parts.append(f"(found {value!r})")
        if expected:
            parts.append(f"- expected {expected}")
        super().__init__(" ".join(parts))


class IntakeError(MedroutesError):
    """A registered raw file is missing, or its bytes are not the pinned ones."""


class ConfigError(MedroutesError):
    """Config or registry that does not validate."""


class ResolveError(MedroutesError):
    """Country names or codes that the resolver cannot map to ISO3."""


class RowCountError(MedroutesError):
    """Row counts that do not add up: rows in != rows kept + rows rejected."""
