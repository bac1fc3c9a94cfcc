"""Statistical disclosure control for tables derived from restricted data, as ACRO, sdcTable and
tau-Argus do it.

- Primary suppression: a count cell below ``threshold`` (ACRO's ``safe_threshold``, 10) is suppressed
  (SDMX conf_status A). Zeros are published by default: the tables here count cases or interviews
  with an attribute, where "none documented" is the finding and reveals nothing about a person;
  ``zeros: suppress`` treats them as sensitive instead.
- Dominance, for magnitudes (e.g. suspects summed over cases): a cell whose ``n`` largest contributors
  exceed share ``k`` of it is suppressed (conf_status O; ACRO's ``safe_nk_n`` 2, ``safe_nk_k`` 0.9); so
  is one with fewer than ``threshold`` contributors (A).
- Secondary suppression (D): further cells until no suppressed cell can be narrowed below
  ``protection_interval`` from the published cells and the table's additivity. The audit proves it:
  for every suppressed cell, two linear programs (HiGHS, through scipy) give the interval an attacker
  can infer; a protect() result always passes it, and :func:`check_audit` stops a run that does not.

A table is long: dimension columns and a value; a dimension's ``_T`` rows equal the sum of its other
rows, for every combination of the other dimensions (see medroutes.evidence, which builds them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import MedroutesError

TOTAL = "_T"


@dataclass(frozen=True)
class Rules:
    threshold: int = 10
    zeros: str = "publish"
    dominance_n: int = 2
    dominance_k: float = 0.9
    protection_interval: float = 10.0
    enabled: bool = True

    @classmethod
    def from_config(cls, d: dict) -> Rules:
        return cls(threshold=int(d["threshold"]), zeros=d["zeros"], dominance_n=int(d["dominance"]["n"]),
                   dominance_k=float(d["dominance"]["k"]), protection_interval=float(d["protection_interval"]),
                   enabled=bool(d["enabled"]))


def _cell(dims, key) -> str:
    return ", ".join(f"{d}={v}" for d, v in zip(dims, key, strict=True))


def equations(table: pd.DataFrame, dims: list[str], value: str = "value", total: str = TOTAL
              ) -> list[tuple[int, list[int]]]:
    """(row of a total, rows of its components) for each additive relation of the table; an
    incomplete or non-additive table is an error naming the cell."""
    keys = list(zip(*(table[d].astype(str) for d in dims), strict=True))
    index = {k: i for i, k in enumerate(keys)}
    values = table[value].to_numpy(dtype=float)
    out = []
    for j in range(len(dims)):
        cats = sorted({k[j] for k in keys if k[j] != total})
        if len(cats) == len({k[j] for k in keys}):
            continue  # no total on this dimension
        for i, k in enumerate(keys):
            if k[j] != total:
                continue
            comps = []
            for c in cats:
                ck = k[:j] + (c,) + k[j + 1:]
                if ck not in index:
                    raise MedroutesError(f"disclosure: the table has no cell {_cell(dims, ck)}, a component of the "
                                         f"total {_cell(dims, k)}; expected every combination of categories")
                comps.append(index[ck])
            s = values[comps].sum()
            if not np.isclose(s, values[i]):
                raise MedroutesError(f"disclosure: total {_cell(dims, k)} is {values[i]:g} but its components "
                                     f"sum to {s:g}; expected an additive table")
            out.append((i, comps))
    return out


def intervals(values: np.ndarray, suppressed: np.ndarray, eqs, below=(), cells=None
              ) -> dict[int, tuple[float, float]]:
    """For each suppressed cell, the [min, max] an attacker can infer: the published cells fixed, the
    suppressed ones non-negative unknowns bound by every equation, and by every ``below`` pair
    ``(i, j)``: cell i is at most cell j (cases with a practice are at most all cases). ``cells``: only
    these suppressed cells (default: all)."""
    from scipy.optimize import linprog
    from scipy.sparse import lil_matrix

    unknown = np.flatnonzero(suppressed)
    col = {c: n for n, c in enumerate(unknown)}
    rows = [(t, comps) for t, comps in eqs if suppressed[t] or suppressed[comps].any()]
    pairs = [(i, j) for i, j in below if suppressed[i] or suppressed[j]]
    out = {}
    wanted = unknown if cells is None else [c for c in unknown if c in set(cells)]
    if not rows and not pairs:
        return {int(c): (0.0, np.inf) for c in wanted}

    def system(items, signed):
        a, b = lil_matrix((max(len(items), 1), len(unknown))), np.zeros(max(len(items), 1))
        for r, cells in enumerate(items):
            for cell, coef in signed(cells):
                if suppressed[cell]:
                    a[r, col[cell]] += coef
                else:
                    b[r] -= coef * values[cell]
        return (a.tocsr(), b) if items else (None, None)

    a, b = system(rows, lambda tc: [(tc[0], 1.0)] + [(c, -1.0) for c in tc[1]])
    a_ub, b_ub = system(pairs, lambda ij: [(ij[0], 1.0), (ij[1], -1.0)])  # x_i - x_j <= 0
    for c in wanted:
        goal = np.zeros(len(unknown))
        goal[col[c]] = 1.0
        lo = linprog(goal, A_eq=a, b_eq=b, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
        hi = linprog(-goal, A_eq=a, b_eq=b, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
        upper = np.inf if hi.status == 3 else -hi.fun
        out[int(c)] = (float(lo.fun), float(upper))
    return out


def _primary(table, dims, values, rules, kind, contributors, total) -> np.ndarray:
    status = np.full(len(values), "F", dtype=object)
    if kind == "count":
        small = (values > 0) & (values < rules.threshold)
        if rules.zeros == "suppress":
            small |= values == 0
        status[small] = "A"
        return status
    # magnitude: every cell's contributors, totals included (a contributor belongs to every total above it)
    for i, row in enumerate(table[dims].astype(str).itertuples(index=False)):
        mask = np.ones(len(contributors), dtype=bool)
        for d, v in zip(dims, row, strict=True):
            if v != total:
                mask &= contributors[d].astype(str).to_numpy() == v
        parts = np.sort(contributors.loc[mask, "contribution"].to_numpy(dtype=float))[::-1]
        if len(parts) == 0:
            continue
        if len(parts) < rules.threshold:
            status[i] = "A"
        elif values[i] > 0 and parts[:rules.dominance_n].sum() > rules.dominance_k * values[i]:
            status[i] = "O"
    return status


def protect(table: pd.DataFrame, dims: list[str], *, rules: Rules, kind: str = "count", contributors=None,
            value: str = "value", total: str = TOTAL, same: list[list[int]] = (), below: list[tuple[int, int]] = ()
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(published table, audit). Published: ``value`` null where suppressed, ``obs_status`` C there (A
    elsewhere) and ``conf_status`` A / O / D (F free). Audit: one row per suppressed cell with its true
    value and the interval an attacker can infer; it holds restricted values and is never published.

    ``same``: groups of rows (positions in ``table``) that hold one quantity published in several
    places (linked tables, e.g. the interviews on a route in every theme's table): the audit knows
    they are equal, so one published copy exposes the others and secondary suppression covers them.
    ``below``: pairs of rows ``(i, j)`` with cell i at most cell j, in the audit as inequalities."""
    table = table.reset_index(drop=True)
    values = table[value].to_numpy(dtype=float)
    eqs = equations(table, dims, value, total)
    for group in same:
        first, *others = list(group)
        for other in others:
            if not np.isclose(values[first], values[other]):
                raise MedroutesError(f"disclosure: linked cells {_cell(dims, table.loc[first, dims])} and "
                                     f"{_cell(dims, table.loc[other, dims])} differ ({values[first]:g} and "
                                     f"{values[other]:g}); expected one quantity")
            eqs.append((first, [other]))
    status = (_primary(table, dims, values, rules, kind, contributors, total) if rules.enabled
              else np.full(len(values), "F", dtype=object))
    totals = {t for t, _ in eqs}
    found, check = {}, None  # None: every suppressed cell
    while rules.enabled and (status != "F").any():
        # suppressing a cell only ever widens the others' intervals, so after the first pass only the
        # cells found weak and the newly suppressed ones need solving again
        found.update(intervals(values, status != "F", eqs, below, cells=check))
        weak = [c for c, (lo, hi) in sorted(found.items()) if hi - lo < rules.protection_interval]
        if not weak:
            break
        before = status != "F"
        added = False
        for c in weak:
            # the cheapest free cell sharing an equation with it (a detail cell before a total, then the
            # smallest); the partner of a bound only when no such cell is left
            linked = {m for t, comps in eqs if c == t or c in comps for m in [t, *comps]}
            if not any(status[m] == "F" for m in linked):
                linked |= {m for pair in below if c in pair for m in pair}
            free = sorted((m for m in linked if status[m] == "F"),
                          key=lambda m: (m in totals, values[m], m))
            if free:
                status[free[0]] = "D"
                added = True
        if not added:
            raise MedroutesError(f"disclosure: cannot protect {len(weak)} cell(s): every linked cell is already "
                                 "suppressed")
        check = set(weak) | set(np.flatnonzero((status != "F") & ~before).tolist())
    if check is not None:  # the audit: every suppressed cell's interval in the final pattern, solved afresh
        found = intervals(values, status != "F", eqs, below)
    suppressed = status != "F"
    published = table.copy()
    published[value] = np.where(suppressed, np.nan, values)
    published["obs_status"] = np.where(suppressed, "C", "A")
    published["conf_status"] = status.astype(str)
    rows = [{**{d: table.at[c, d] for d in dims}, "conf_status": status[c], "value": values[c], "lower": lo,
             "upper": hi, "width": hi - lo, "required": rules.protection_interval,
             "ok": bool(hi - lo >= rules.protection_interval)} for c, (lo, hi) in sorted(found.items())]
    audit = pd.DataFrame(rows, columns=[*dims, "conf_status", "value", "lower", "upper", "width", "required", "ok"])
    return published, audit


def check_audit(audit: pd.DataFrame, where: str) -> None:
    """Stop when any suppressed cell could be narrowed below the protection interval."""
    bad = audit[~audit["ok"].astype(bool)]
    if len(bad):
        lines = [f"  {r.to_dict()}" for _, r in bad.drop(columns=["value"]).iterrows()]
        raise MedroutesError(f"disclosure audit failed for {where}: {len(bad)} suppressed cell(s) can be narrowed "
                             "below the protection interval:\n" + "\n".join(lines))


def summary(published: pd.DataFrame) -> dict[str, int]:
    s = published["conf_status"]
    return {"primary": int((s == "A").sum()), "dominance": int((s == "O").sum()),
            "secondary": int((s == "D").sum()), "cells": len(published)}


def unsafe_cells(published: pd.DataFrame, threshold: int, value: str = "value") -> pd.DataFrame:
    """Published cells a disclosure scan flags: a non-null count above 0 and below ``threshold``."""
    v = pd.to_numeric(published[value], errors="coerce")
    return published[v.notna() & (v > 0) & (v < threshold)]


# Columns of a published restricted-derived table that are not counts of persons, cases or interviews.
NOT_COUNTS = ("share", "year", "raw_row", "suppressed")


def scan_release(release_dir, threshold: int) -> list[str]:
    """Every published cell derived from restricted data whose count is above 0 and below ``threshold``,
    as 'file: column row N = value': in ``protected/*.parquet``, in the figure data of the
    restricted-evidence figures and in the observations that came from a restricted source. Empty for
    a release whose disclosure control worked."""
    from pathlib import Path

    release = Path(release_dir)
    found = []

    def scan(df: pd.DataFrame, where: str) -> None:
        for col in df.columns:
            if any(col.startswith(p) or col.endswith(p) for p in NOT_COUNTS):
                continue
            v = pd.to_numeric(df[col], errors="coerce")
            if df[col].dtype == object and v.notna().sum() < df[col].notna().sum():
                continue  # a text column
            for i in np.flatnonzero((v > 0).to_numpy() & (v < threshold).to_numpy()):
                found.append(f"{where}: {col} row {i} = {v.iat[i]:g}")

    for p in sorted((release / "protected").glob("*.parquet")):
        scan(pd.read_parquet(p), str(p.relative_to(release)))
    from . import plan

    # the figures drawn from restricted evidence: the figure steps that declare an EVIDENCE type
    for step in plan.steps():
        if step.stage != "figures" or step.evidence is None:
            continue
        p = release / step.outputs["csv"]
        if p.is_file():
            scan(pd.read_csv(p), str(p.relative_to(release)))
    obs = release / "harmonised" / "observations.parquet"
    if obs.is_file():
        o = pd.read_parquet(obs)
        scan(o.loc[o["raw_sha256"] == "restricted", ["value"]].reset_index(drop=True),
             "harmonised/observations.parquet (restricted sources)")
    return found
