"""Harmonisation: a source's clean table -> the long observation table of the data contract.

One row per observed value (SDMX-like). Routes map through the config's route labels; every
area resolves through the one :class:`~medroutes.resolve.CountryResolver`. Lineage columns carry
each value back to its raw file, checksum and row.
"""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa

from .errors import ConfigError
from .log import get_logger
from .resolve import CountryResolver
from .schema import described
from .spec import LINEAGE_DOCS, Lit, SourceSpec

log = get_logger(__name__)

OBS_SCHEMA = described(pa.schema([
    pa.field("source_id", pa.string(), nullable=False),
    pa.field("indicator", pa.string(), nullable=False),
    pa.field("route", pa.string()),
    pa.field("route_label", pa.string(), nullable=False),
    pa.field("ref_area", pa.string(), nullable=False),
    pa.field("counterpart_area", pa.string(), nullable=False),
    pa.field("counterpart_label", pa.string(), nullable=False),
    pa.field("sex", pa.string(), nullable=False),
    pa.field("age", pa.string(), nullable=False),
    pa.field("dimension", pa.string(), nullable=False),
    pa.field("category", pa.string(), nullable=False),
    pa.field("event_id", pa.string(), nullable=False),
    pa.field("period", pa.string(), nullable=False),
    pa.field("freq", pa.string(), nullable=False),
    pa.field("value", pa.float64()),
    pa.field("unit", pa.string(), nullable=False),
    pa.field("obs_status", pa.string(), nullable=False),
    pa.field("raw_file", pa.string(), nullable=False),
    pa.field("raw_sha256", pa.string(), nullable=False),
    pa.field("raw_row", pa.int64(), nullable=False),
    pa.field("raw_ref", pa.string(), nullable=False),
]), {
    **LINEAGE_DOCS,
    "source_id": "registry id of the source (config/sources.yaml)",
    "indicator": "indicator code (config/indicators.yaml)",
    "route": "study route: central_mediterranean, western_mediterranean, western_african; null = not a study route",
    "route_label": "the route as the source names it (several may map to one study route, or to none); "
                   "_U blank in the source, _T the source has no route",
    "ref_area": "ISO 3166-1 alpha-3 of the reporting/observing country, or an area code (config areas)",
    "counterpart_area": "ISO3 of citizenship or origin; _T total, _U unknown, _O other",
    "counterpart_label": "the source's own citizenship text where counterpart_area is _O or _U, which gather "
                         "several of its categories (e.g. 'Other Asia'); _T otherwise",
    "sex": "F female, M male, _O other, _T total, _U unknown",
    "age": "adult, child, _T total, _U unknown",
    "dimension": "name of any further breakdown (e.g. mode, form_of_exploitation, cause_of_death); _T none",
    "category": "category within `dimension` (e.g. sea, sexual_exploitation); _T none or total",
    "event_id": "the source's id of the event observed, for sources of one record per event (IOM incident id); "
                "_T otherwise",
    "period": "time period: YYYY, YYYY-MM or YYYY-MM-DD",
    "freq": "A annual, M monthly, D daily",
    "value": "the observed number, in `unit`; null only where obs_status is C (suppressed)",
    "unit": "persons, detections, incidents, offences, networks, per_100k",
    "obs_status": "A normal, B break in series, C suppressed (<5), D definition differs, E estimated, P provisional",
}, "harmonised observations")
# What one observation is about: unique within a source (see dedupe); lineage is not part of it.
OBS_KEY = ["source_id", "indicator", "route", "route_label", "ref_area", "counterpart_area", "counterpart_label",
           "sex", "age", "dimension", "category", "event_id", "period"]
LINEAGE = ["raw_file", "raw_sha256", "raw_row", "raw_ref"]
AGGREGATE_AREAS = ("_O", "_U")  # codes that gather several of a source's categories
FREQ = {4: "A", 7: "M", 10: "D"}


def route_map(routes: dict, source_id: str) -> dict[str, str]:
    """Raw route label -> route code, for one source, from ``config['routes']``."""
    out = {}
    for code, route in routes.items():
        for label in route.get("source_labels", {}).get(source_id, []):
            out[label] = code
    return out


def _take(df: pd.DataFrame, ref) -> pd.Series:
    if isinstance(ref, Lit):
        return pd.Series(ref.value, index=df.index, dtype="string")
    return df[ref].astype("string")


def _label(raw: pd.Series) -> pd.Series:
    """A source's own label as a key value: blank is _U (unknown)."""
    return raw.where(~raw.str.strip().fillna("").eq(""), "_U")


def check_indicators(spec: SourceSpec, source_id: str, indicators: dict) -> None:
    """Every indicator a source emits is in the code list, with the code list's unit."""
    for obs in spec.observations:
        known = indicators.get(obs.indicator)
        if known is None:
            raise ConfigError(f"source {source_id!r} emits indicator {obs.indicator!r}, which is not in "
                              f"config/indicators.yaml; known: {sorted(indicators)}")
        if known["unit"] != obs.unit:
            raise ConfigError(f"source {source_id!r}: indicator {obs.indicator!r} has unit {obs.unit!r}, "
                              f"config/indicators.yaml says {known['unit']!r}")


def harmonise(clean: pd.DataFrame, spec: SourceSpec, source_id: str, routes: dict,
              resolver: CountryResolver, indicators: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(observations, rejects)`` of one source's clean table; see :func:`dedupe` for the rejects."""
    check_indicators(spec, source_id, indicators)
    labels = route_map(routes, source_id)
    parts = []
    for obs in spec.observations:
        rows = clean[obs.where(clean)] if obs.where else clean
        value = (pd.Series(float(obs.value.value), index=rows.index) if isinstance(obs.value, Lit)
                 else rows[obs.value].astype("Float64"))
        route_raw = _take(rows, obs.route) if obs.route is not None else pd.Series(pd.NA, index=rows.index)
        counterpart_raw = _take(rows, obs.counterpart_area)
        counterpart = resolver.series(counterpart_raw, source=source_id, column=str(obs.counterpart_area))
        area_raw = _take(rows, obs.ref_area)
        part = pd.DataFrame({
            "source_id": source_id,
            "indicator": obs.indicator,
            "route": route_raw.map(labels).astype("string"),
            "route_label": "_T" if obs.route is None else _label(route_raw),
            "ref_area": resolver.series(area_raw, source=source_id, column=str(obs.ref_area)),
            "counterpart_area": counterpart,
            "counterpart_label": _label(counterpart_raw).where(counterpart.isin(AGGREGATE_AREAS)
                                                               | counterpart.isna(), "_T"),
            "sex": _take(rows, obs.sex), "age": _take(rows, obs.age),
            "dimension": _take(rows, obs.dimension), "category": _take(rows, obs.category),
            "event_id": _take(rows, spec.event_id) if spec.event_id else "_T",
            "period": _take(rows, obs.period),
            "value": value, "unit": obs.unit, "obs_status": _take(rows, obs.obs_status),
            "raw_file": rows["raw_file"], "raw_sha256": rows["raw_sha256"],
            "raw_row": rows["raw_row"], "raw_ref": rows["raw_ref"],
            # the areas as the source wrote them, for dedupe's messages only (not written)
            "_areas_raw": "ref_area " + area_raw.fillna("").map(repr) + ", counterpart "
                          + counterpart_raw.fillna("").map(repr),
        })
        parts.append(part)
    out = (pd.concat(parts, ignore_index=True) if parts
           else pd.DataFrame(columns=[*OBS_SCHEMA.names, "_areas_raw"]))
    # An area the source leaves blank is unknown, not dropped.
    for col in ("ref_area", "counterpart_area"):
        out[col] = out[col].fillna("_U")
    out["freq"] = out["period"].str.len().map(FREQ)
    return dedupe(out)


DEDUPE_REASONS = {
    "duplicate_observation": "the same observation (every OBS_KEY column) as an earlier raw row, with the same "
                             "value and status: two spellings of one area, counted once (the first row is kept)",
    "conflicting_observations": "the same observation as another raw row with a different value or status: "
                                "neither is kept, since the source does not say which is right",
}


def dedupe(obs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(kept, rejects)``: the observation key (``OBS_KEY``, lineage excluded) made unique within a source.

    Several raw rows can harmonise to one observation, e.g. UNODC's "Nationals" and "Solomon Islands"
    rows of the Solomon Islands both become counterpart SLB: summing by counterpart would count them
    twice. Repeats with one value and status keep their first raw row; repeats that disagree keep none.
    Each row left out is a reject (``DEDUPE_REASONS``), counted in the ledger."""
    from .clean import REJECTS_SCHEMA

    obs = obs.sort_values(["raw_file", "raw_row"], kind="mergesort")
    keys = obs[OBS_KEY].astype("string").fillna("(null)")  # never NUL: pandas' string hashing stops at one
    repeated = keys.duplicated(keep=False)
    reason = pd.Series(pd.NA, index=obs.index, dtype="string")
    detail = pd.Series(pd.NA, index=obs.index, dtype="string")
    group_of = pd.Series(["\x1f".join(k) for k in keys[repeated].itertuples(index=False)],
                         index=keys.index[repeated], dtype=object)
    for _, group in obs[repeated].groupby(group_of, sort=False):
        first = group.iloc[0]
        agree = (group["value"].astype("string").fillna("").nunique() == 1
                 and group["obs_status"].nunique() == 1)
        for i, row in (group.iloc[1:] if agree else group).iterrows():
            other = first if agree else group.drop(index=i).iloc[0]
            reason[i] = "duplicate_observation" if agree else "conflicting_observations"
            detail[i] = (f"{row['indicator']} for {row['ref_area']}, counterpart {row['counterpart_area']}, "
                         f"{row['period']}: {row['_areas_raw']} harmonises to the same observation as "
                         f"{other['raw_ref']} ({other['_areas_raw']})"
                         + (", with the same value: counted once" if agree else
                            f", value {_text(row)} against {_text(other)}: neither is kept"))
    out = reason.notna()
    rejected = obs[out]
    rejects = pd.DataFrame({
        **{c: rejected[c] for c in LINEAGE}, "reason": reason[out], "column": ",".join(OBS_KEY),
        "value": [",".join(str(v) for v in k) for k in keys[out].itertuples(index=False)],
        "detail": detail[out],
        "record": [json.dumps({c: (None if pd.isna(v) else v) for c, v in r.items()}, ensure_ascii=False,
                              sort_keys=True, default=str)
                   for r in rejected[[c for c in OBS_SCHEMA.names if c not in LINEAGE]].to_dict("records")],
    }, columns=REJECTS_SCHEMA.names)
    return obs[~out].drop(columns="_areas_raw"), rejects


def _text(row) -> str:
    return f"{'blank' if pd.isna(row['value']) else row['value']} (status {row['obs_status']})"


ROUTE_LABEL_STATUS = {
    "mapped": "the raw label maps to the study route in `route`",
    "outside": "the raw label is listed under no study route: its rows are kept with a null route",
    "not_in_data": "a label config/config.yaml lists under `route` that no raw row carries (rows = 0): a typo, "
                   "or the publisher renamed the route",
}


def route_labels(clean: pd.DataFrame, spec: SourceSpec, source_id: str, routes: dict) -> list[dict]:
    """Every raw route label of one source with its clean-row count and study route, plus every label the
    config lists for the source that no row carries: what a reviewer checks to see what fell outside."""
    labels = route_map(routes, source_id)
    counts: dict = {}
    for col in sorted({o.route for o in spec.observations if isinstance(o.route, str)}):
        for label, n in clean[col].astype("string").value_counts(dropna=False).items():
            label = None if pd.isna(label) or not str(label).strip() else str(label)
            counts[label] = counts.get(label, 0) + int(n)
    rows = [{"source_id": source_id, "raw_label": label, "rows": n, "route": labels.get(label),
             "status": "mapped" if label in labels else "outside"} for label, n in counts.items()]
    rows += [{"source_id": source_id, "raw_label": label, "rows": 0, "route": code, "status": "not_in_data"}
             for label, code in labels.items() if label not in counts]
    return sorted(rows, key=lambda r: (r["raw_label"] is not None, r["raw_label"] or ""))


def log_route_labels(rows: list[dict]) -> None:
    for r in rows:
        if r["status"] == "outside":
            log.info("%s: route label %r outside the study routes, %d rows (route left null)",
                     r["source_id"], r["raw_label"] or "(blank)", r["rows"])
        elif r["status"] == "not_in_data":
            log.warning("%s: route label %r, listed under routes.%s.source_labels, matches no raw row",
                        r["source_id"], r["raw_label"], r["route"])
