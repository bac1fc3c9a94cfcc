"""Which months of each year a series' observations cover, so that a partial year is never read as a year.

A month counts as covered when the series records it and its data reach the month's edges. A series
of counts (monthly or daily totals) records the months it has observations in: a missing month is a
gap. A series of events (one row per incident, ``event_id`` set) records every month of its span, from
the start of its first year to its last incident: a month without an incident is a month of zero.
Daily data cover the first or last month of their span when they reach within ``EDGE_DAYS`` of the
month's edge (quiet days: a last incident on 29 December still means December was recorded). Annual
periods cover all twelve months.
"""

from __future__ import annotations

import pandas as pd

EDGE_DAYS = 3
MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def complete_months(periods: pd.Series, events: bool = False) -> dict[int, frozenset[int]]:
    """Year -> the months (1-12) the periods cover completely. Periods are SDMX-style strings:
    ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``events``: the rows are events, not counts (see above)."""
    p = pd.Series(pd.unique(periods.dropna().astype(str)))
    if p.empty:
        return {}
    out: dict[int, set[int]] = {}
    for y in p[p.str.len() == 4]:
        out.setdefault(int(y), set()).update(range(1, 13))
    monthly = pd.PeriodIndex(p[p.str.len() == 7], freq="M")
    days = pd.to_datetime(p[p.str.len() == 10], format="%Y-%m-%d")
    for month in monthly:
        out.setdefault(month.year, set()).add(month.month)
    if len(days) or (events and len(monthly)):
        edge = pd.Timedelta(days=EDGE_DAYS)
        # the span's ends: a month-level period reaches its month's edges
        starts = [*days, *(m.start_time for m in monthly)] if events else list(days)
        ends = [*days, *(m.end_time.normalize() for m in monthly)] if events else list(days)
        first, last = min(starts), max(ends)
        if events:  # an incident database records from the start of its first year, whenever its first incident
            first = pd.Timestamp(first.year, 1, 1)
        months = (pd.period_range(first, last, freq="M") if events
                  else pd.PeriodIndex(days.dt.to_period("M").unique(), freq="M"))
        for month in months:
            start, end = month.start_time.normalize(), month.end_time.normalize()
            # compared, not subtracted: a span of more than 292 years overflows a pandas Timedelta
            if first <= start + edge and last >= end - edge:
                out.setdefault(month.year, set()).add(month.month)
    return {y: frozenset(m) for y, m in sorted(out.items())}


def months_text(months: frozenset[int] | set[int]) -> str:
    """'Jan-Oct', 'Sep-Dec', 'Jan-Mar, May' or 'none': contiguous runs of months, for notes."""
    runs, ms = [], sorted(months)
    for m in ms:
        if runs and m == runs[-1][1] + 1:
            runs[-1][1] = m
        else:
            runs.append([m, m])
    parts = [MONTH_NAMES[a - 1] if a == b else f"{MONTH_NAMES[a - 1]}–{MONTH_NAMES[b - 1]}" for a, b in runs]
    return ", ".join(parts) or "none"
