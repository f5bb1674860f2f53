"""Figures for the statistics page: counts by district, function, tier and industry, and progress against the plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Model


def compute_stats(model: Model) -> dict:
    """Return every figure the statistics page shows, from the published records."""
    records = model.records
    matrix = {d: {f: 0 for f in model.functions} for d in model.districts}
    tiers = dict.fromkeys(model.tiers, 0)
    industries = dict.fromkeys(model.industries, 0)
    strategic_ids = {i["id"] for i in model.taxonomy.industries if i.get("strategic")}
    strategic = 0
    for r in records:
        for f in r.data["functions"]:
            matrix[r.data["district"]][f] += 1
        tiers[r.data["tier"]] += 1
        for i in r.data.get("industries", []):
            industries[i] += 1
        strategic += bool(strategic_ids & set(r.data.get("industries", [])))
    function_totals = {f: sum(row[f] for row in matrix.values()) for f in model.functions}
    plan = model.taxonomy.plan
    demonstration = sum(1 for badge in model.badges.values() if badge)
    progress = [("服务机构总数", len(records), plan.get("platforms")), ("示范平台", demonstration, plan.get("demonstration"))]
    progress += [(f["name"], function_totals[f["id"]], f.get("target")) for f in model.taxonomy.functions]
    share = strategic / len(records) if records else 0.0
    return {
        "total": len(records),
        "districts_covered": sum(1 for d in model.districts if any(matrix[d].values())),
        "demonstration": demonstration,
        "matrix": matrix,
        "district_totals": {d: sum(row.values()) for d, row in matrix.items()},
        "district_counts": {d: sum(r.data["district"] == d for r in records) for d in model.districts},
        "function_totals": function_totals,
        "tiers": tiers,
        "industries": {i: n for i, n in industries.items() if n},
        "progress": [(label, value, target) for label, value, target in progress if target],
        "strategic_share": share,
        "strategic_target": plan.get("strategic_share"),
        "strategic_count": strategic,
    }
