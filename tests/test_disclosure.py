"""Disclosure control: primary suppression, dominance, secondary suppression proved by the LP audit."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from medroutes import disclosure
from medroutes.disclosure import Rules
from medroutes.errors import MedroutesError

RULES = Rules()


def table(cells: dict[tuple[str, str], int], dims=("route", "year")) -> pd.DataFrame:
    """A two-way table with margins from its detail cells."""
    rows = [dict(zip(dims, k, strict=True), value=v) for k, v in cells.items()]
    df = pd.DataFrame(rows)
    for d in dims:
        other = [x for x in dims if x != d]
        t = df[df[d] != "_T"].groupby(other, as_index=False)["value"].sum().assign(**{d: "_T"})
        df = pd.concat([df, t], ignore_index=True)
    return df[[*dims, "value"]]


def test_one_small_cell_is_suppressed_with_enough_others_that_it_cannot_be_recovered():
    t = table({("cm", "2020"): 3, ("cm", "2021"): 40, ("wm", "2020"): 25, ("wm", "2021"): 30})
    pub, audit = disclosure.protect(t, ["route", "year"], rules=RULES)
    status = dict(zip(zip(pub.route, pub.year, strict=True), pub.conf_status, strict=True))
    assert status[("cm", "2020")] == "A"
    assert sum(s == "D" for s in status.values()) >= 3  # the rectangle: a 2x2 pattern at least
    assert audit["ok"].all() and (audit["width"] >= RULES.protection_interval).all()
    assert pub.loc[pub.conf_status != "F", "value"].isna().all()
    assert set(pub.loc[pub.conf_status != "F", "obs_status"]) == {"C"}


def test_without_secondary_suppression_a_lone_suppressed_cell_is_recovered_exactly():
    t = table({("cm", "2020"): 3, ("cm", "2021"): 40, ("wm", "2020"): 25, ("wm", "2021"): 30})
    eqs = disclosure.equations(t, ["route", "year"])
    only = np.zeros(len(t), dtype=bool)
    only[((t.route == "cm") & (t.year == "2020")).to_numpy()] = True
    [(lo, hi)] = disclosure.intervals(t["value"].to_numpy(float), only, eqs).values()
    assert lo == pytest.approx(3) and hi == pytest.approx(3)


def test_at_the_threshold_a_cell_is_published_and_below_it_is_suppressed():
    t = table({("cm", "2020"): 10, ("cm", "2021"): 9, ("wm", "2020"): 50, ("wm", "2021"): 60})
    pub, _ = disclosure.protect(t, ["route", "year"], rules=RULES)
    by = dict(zip(zip(pub.route, pub.year, strict=True), pub.conf_status, strict=True))
    assert by[("cm", "2021")] == "A" and by[("cm", "2020")] != "A"


@pytest.mark.parametrize("zeros, expected", [("publish", "F"), ("suppress", "A")])
def test_zero_cells_follow_the_configured_rule(zeros, expected):
    t = table({("cm", "2020"): 0, ("cm", "2021"): 40, ("wm", "2020"): 25, ("wm", "2021"): 30})
    pub, audit = disclosure.protect(t, ["route", "year"], rules=Rules(zeros=zeros))
    assert pub.loc[(pub.route == "cm") & (pub.year == "2020"), "conf_status"].item() == expected
    assert audit["ok"].all()


def test_a_magnitude_cell_dominated_by_its_largest_contributors_is_suppressed():
    contributors = pd.DataFrame({"route": ["cm"] * 12 + ["wm"] * 12, "year": ["2020"] * 24,
                                 "contribution": [95.0] + [0.5] * 10 + [0.0] + [5.0] * 12})
    t = contributors.groupby(["route", "year"], as_index=False)["contribution"].sum().rename(
        columns={"contribution": "value"})
    t = pd.concat([t, pd.DataFrame({"route": ["_T"], "year": ["2020"], "value": [t.value.sum()]})], ignore_index=True)
    pub, audit = disclosure.protect(t, ["route", "year"], rules=RULES, kind="magnitude", contributors=contributors)
    by = dict(zip(pub.route, pub.conf_status, strict=True))
    assert by["cm"] == "O" and by["wm"] in ("F", "D") and audit["ok"].all()


def test_a_magnitude_cell_with_fewer_contributors_than_the_threshold_is_suppressed():
    contributors = pd.DataFrame({"route": ["cm"] * 3 + ["wm"] * 20, "year": ["2020"] * 23,
                                 "contribution": [10.0] * 23})
    t = pd.DataFrame({"route": ["cm", "wm", "_T"], "year": ["2020"] * 3, "value": [30.0, 200.0, 230.0]})
    pub, _ = disclosure.protect(t, ["route", "year"], rules=RULES, kind="magnitude", contributors=contributors)
    assert dict(zip(pub.route, pub.conf_status, strict=True))["cm"] == "A"


def test_a_three_way_table_with_totals_on_two_dimensions_passes_its_audit():
    rng = np.random.default_rng(7)
    cells = {(r, y, c): int(rng.integers(0, 30)) for r, y, c in
             itertools.product(["cm", "wm", "wa"], [str(y) for y in range(2016, 2022)], [f"code{i}" for i in range(5)])}
    df = pd.DataFrame([{"route": r, "year": y, "code": c, "value": v} for (r, y, c), v in cells.items()])
    parts = [df]
    for combo in (["route"], ["year"], ["route", "year"]):
        keep = [d for d in ("route", "year", "code") if d not in combo]
        parts.append(df.groupby(keep, as_index=False)["value"].sum().assign(**{d: "_T" for d in combo}))
    t = pd.concat(parts, ignore_index=True)[["route", "year", "code", "value"]]
    pub, audit = disclosure.protect(t, ["route", "year", "code"], rules=RULES)
    s = disclosure.summary(pub)
    assert s["primary"] > 0 and s["secondary"] > 0 and audit["ok"].all()
    assert disclosure.unsafe_cells(pub, RULES.threshold).empty
    again, _ = disclosure.protect(t, ["route", "year", "code"], rules=RULES)
    pd.testing.assert_frame_equal(pub, again)  # deterministic


def test_with_protection_switched_off_the_scan_finds_the_small_cells():
    t = table({("cm", "2020"): 3, ("cm", "2021"): 40, ("wm", "2020"): 25, ("wm", "2021"): 30})
    pub, audit = disclosure.protect(t, ["route", "year"], rules=Rules(enabled=False))
    assert set(pub.conf_status) == {"F"} and audit.empty
    assert len(disclosure.unsafe_cells(pub, 10)) == 1
    protected, _ = disclosure.protect(t, ["route", "year"], rules=RULES)
    assert disclosure.unsafe_cells(protected, 10).empty


def test_a_failed_audit_stops_the_run_naming_the_cell():
    audit = pd.DataFrame([{"route": "cm", "year": "2020", "conf_status": "A", "value": 3.0, "lower": 3.0,
                           "upper": 3.0, "width": 0.0, "required": 10.0, "ok": False}])
    with pytest.raises(MedroutesError, match=r"(?s)audit failed for cases: 1 suppressed cell.*'route': 'cm'"):
        disclosure.check_audit(audit, "cases")


def test_a_total_that_is_not_the_sum_of_its_components_is_an_error_naming_the_cell():
    t = table({("cm", "2020"): 3, ("cm", "2021"): 40, ("wm", "2020"): 25, ("wm", "2021"): 30})
    t.loc[(t.route == "_T") & (t.year == "2020"), "value"] = 99
    with pytest.raises(MedroutesError, match=r"total route=_T, year=2020 is 99 but its components sum to 28"):
        disclosure.equations(t, ["route", "year"])


def test_a_missing_component_is_an_error_naming_it():
    t = table({("cm", "2020"): 3, ("cm", "2021"): 40, ("wm", "2020"): 25, ("wm", "2021"): 30})
    t = t[~((t.route == "wm") & (t.year == "2021"))]
    with pytest.raises(MedroutesError, match=r"no cell route=wm, year=2021"):
        disclosure.equations(t, ["route", "year"])


def test_a_quantity_published_in_a_linked_table_exposes_its_suppressed_copy():
    """Theme a's interviews on a route (43) are theme b's too: if b publishes 43 while a suppresses its
    own copy and its small cell, a's small cell is recovered exactly, unless the audit knows the link."""
    values = np.array([3.0, 40.0, 43.0, 20.0, 23.0, 43.0])  # a: yes, no, total; b: yes, no, total
    eqs = [(2, [0, 1]), (5, [3, 4])]
    suppressed = np.array([True, False, True, False, False, False])
    unlinked = disclosure.intervals(values, suppressed, eqs)
    linked = disclosure.intervals(values, suppressed, [*eqs, (2, [5])])
    assert unlinked[0][1] == np.inf and linked[0] == (3.0, 3.0)


def test_protect_keeps_linked_copies_protected_and_refuses_copies_that_differ():
    t = pd.DataFrame({"theme": ["a"] * 3 + ["b"] * 3, "answer": ["yes", "no", "_T"] * 2,
                      "value": [3, 40, 43, 20, 23, 43]})
    published, audit = disclosure.protect(t, ["theme", "answer"], rules=RULES, same=[[2, 5]])
    assert audit["ok"].all() and published.loc[0, "conf_status"] == "A"
    assert disclosure.intervals(t["value"].to_numpy(float), (published["conf_status"] != "F").to_numpy(),
                                [(2, [0, 1]), (5, [3, 4]), (2, [5])])[0][1] - 0 >= RULES.protection_interval
    t.loc[5, "value"], t.loc[4, "value"] = 44, 24
    with pytest.raises(MedroutesError, match="linked cells theme=a, answer=_T and theme=b, answer=_T differ"):
        disclosure.protect(t, ["theme", "answer"], rules=RULES, same=[[2, 5]])


def test_a_count_bounded_by_a_published_total_of_another_table_is_audited_with_that_bound():
    """Cases with a practice (suppressed, [5, 25] from their own table) are at most all cases (12,
    published): the attacker learns [5, 12], narrower than 10, unless the audit knows the bound."""
    values = np.array([15.0, 10.0, 25.0, 12.0])  # practice: a, b, total; all cases of a's cell
    eqs = [(2, [0, 1])]
    suppressed = np.array([True, True, False, False])
    assert disclosure.intervals(values, suppressed, eqs)[0] == (0.0, 25.0)
    assert disclosure.intervals(values, suppressed, eqs, below=[(0, 3)]) == {0: (0.0, 12.0), 1: (13.0, 25.0)}
    t = pd.DataFrame({"table": ["mo", "mo", "mo", "cases", "cases", "cases"], "route": ["a", "b", "_T"] * 2,
                      "value": [9, 16, 25, 12, 40, 52]})
    published, audit = disclosure.protect(t, ["table", "route"], rules=RULES, below=[(0, 3), (1, 4), (2, 5)])
    assert audit["ok"].all()
    lo, hi = disclosure.intervals(t["value"].to_numpy(float), (published["conf_status"] != "F").to_numpy(),
                                  [(2, [0, 1]), (5, [3, 4])], below=[(0, 3), (1, 4), (2, 5)])[0]
    assert hi - lo >= RULES.protection_interval
