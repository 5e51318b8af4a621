"""The monthly statistical table of arbitration cases, in the shape of the labor-dispute
statistics ("The Disposal of Labour Disputes"): pending from the last period, received,
accepted (of which collective, of which filed by workers, by cause), closed by manner and
by result, pending at the end, amounts and workers involved; from the summaries.

Counted for the arbitration commission: an organization filter of a mediation
organization gives empty arbitration rows. "Closed by mediation" is the arbitral mediation
statement of an accepted case; disputes settled by pre-arbitration mediation are not
accepted cases and have their own column.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import get_language

from disputes.models import Award, DisputeType, Outcome, Tier
from indicators import measures as m
from indicators.figures import Filters, Period, measure_rows

# The statistics' causes, from the product's dispute types (work-injury benefits are
# social insurance; severance and damages follow the termination they come from).
CAUSES: dict[str, tuple[str, ...]] = {
    "cause_remuneration": (DisputeType.WAGES,),
    "cause_social_insurance": (DisputeType.SOCIAL_INSURANCE, DisputeType.WORK_INJURY),
    "cause_contract": (DisputeType.TERMINATION, DisputeType.COMPENSATION),
    "cause_other": (DisputeType.LABOR_RELATIONSHIP, DisputeType.WORKING_HOURS_LEAVE,
                    DisputeType.OTHER),
}
CAUSE_OF = {kind: cause for cause, kinds in CAUSES.items() for kind in kinds}


@dataclass(frozen=True)
class Column:
    key: str
    label_zh: str
    label_en: str
    money: bool = False

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "zh-hans").startswith("en") else self.label_zh


COLUMNS: tuple[Column, ...] = (
    Column("pending_start", "上期未结案件", "Pending from the last period"),
    Column("received", "收到仲裁申请", "Applications received"),
    Column("accepted", "受理案件", "Cases accepted"),
    Column("accepted_collective", "其中：集体争议", "of which collective"),
    Column("accepted_by_workers", "其中：劳动者申请", "of which filed by workers"),
    Column("cause_remuneration", "劳动报酬", "Cause: labor remuneration"),
    Column("cause_social_insurance", "社会保险", "Cause: social insurance"),
    Column("cause_contract", "变更、解除、终止劳动合同",
           "Cause: change, rescission, termination of the contract"),
    Column("cause_other", "其他原因", "Cause: other"),
    Column("closed", "结案合计", "Cases closed"),
    Column("closed_mediation", "仲裁调解结案", "Closed by arbitral mediation"),
    Column("closed_award", "裁决结案", "Closed by award"),
    Column("closed_withdrawn", "撤回申请", "Closed by withdrawal"),
    Column("closed_other", "其他方式结案", "Closed otherwise"),
    Column("won_by_worker", "劳动者胜诉", "Awards won by the worker"),
    Column("won_by_employer", "用人单位胜诉", "Awards won by the employer"),
    Column("won_partly", "双方部分胜诉", "Awards partly for both"),
    Column("pending_end", "期末未结案件", "Pending at the end"),
    Column("amount", "涉案金额（元）", "Amount involved (yuan)", money=True),
    Column("workers", "涉及劳动者人数", "Workers involved"),
    Column("workers_collective", "其中：集体争议劳动者", "of which in collective disputes"),
    Column("pre_arbitration", "仲裁前调解成功（案外调解）",
           "Settled by pre-arbitration mediation"),
)

CLOSED_COLUMNS = {Outcome.MEDIATION_STATEMENT: "closed_mediation", Outcome.AWARD: "closed_award",
                  Outcome.WITHDRAWN: "closed_withdrawn", Outcome.OTHER: "closed_other"}
RESULT_COLUMNS = {Award.Result.WORKER_WON: "won_by_worker",
                  Award.Result.EMPLOYER_WON: "won_by_employer", Award.Result.PARTLY: "won_partly"}
FLOW_MEASURES = (
    m.ARBITRATION_RECEIVED, m.ARBITRATION_ACCEPTED, m.ARBITRATION_ACCEPTED_BY_WORKERS,
    m.ARBITRATION_ACCEPTED_WORKERS, *m.ARBITRATION_CLOSED.values(),
    *m.ARBITRATION_AWARD_RESULT.values(),
)
STOCK_MEASURES = (m.ARBITRATION_ACCEPTED, *m.ARBITRATION_CLOSED.values())


@dataclass
class TableRow:
    month: dt.date | None  # None: the period's total
    values: dict[str, int | Decimal] = field(default_factory=dict)

    def __getitem__(self, key: str) -> int | Decimal:
        return self.values[key]


@dataclass
class MonthlyTable:
    period: Period
    rows: list[TableRow]
    total: TableRow


def _blank() -> dict[str, int | Decimal]:
    return {c.key: (Decimal(0) if c.money else 0) for c in COLUMNS}


# Which column each flow measure adds to (read by month alone), and the measures whose
# split by cause and collective flag is read apart (the only ones that need it: reading all
# of them by dispute type and flag made the page's table query return ten times the rows).
FLOW_COLUMNS: dict[str, tuple[str, ...]] = {
    m.ARBITRATION_RECEIVED: ("received",),
    m.ARBITRATION_ACCEPTED: ("accepted",),
    m.ARBITRATION_ACCEPTED_BY_WORKERS: ("accepted_by_workers",),
    m.ARBITRATION_ACCEPTED_WORKERS: ("workers",),
    **{m.ARBITRATION_CLOSED[outcome]: (key, "closed") for outcome, key in CLOSED_COLUMNS.items()},
    **{m.ARBITRATION_AWARD_RESULT[result]: (key,) for result, key in RESULT_COLUMNS.items()},
}
SPLIT_MEASURES = (m.ARBITRATION_ACCEPTED, m.ARBITRATION_ACCEPTED_WORKERS)


def monthly_table(period: Period, filters: Filters) -> MonthlyTable:
    """One row per month of the period and a total row (stocks at its ends, flows summed)."""
    flows: dict[dt.date, dict[str, int | Decimal]] = defaultdict(_blank)
    for row in measure_rows(FLOW_MEASURES, filters, before=period.end, since=period.start,
                            group_by=["month"]):
        cells = flows[row["month"]]
        for key in FLOW_COLUMNS.get(row["measure"], ()):
            cells[key] += row["total"]
        if row["measure"] == m.ARBITRATION_ACCEPTED:
            cells["amount"] += Decimal(row["amount_total"] or 0)
    for row in measure_rows(SPLIT_MEASURES, filters, before=period.end, since=period.start,
                            group_by=["month", "dispute_type", "is_collective"]):
        cells, n = flows[row["month"]], row["total"]
        if row["measure"] == m.ARBITRATION_ACCEPTED:
            cells[CAUSE_OF.get(row["dispute_type"], "cause_other")] += n
            if row["is_collective"]:
                cells["accepted_collective"] += n
        elif row["is_collective"]:
            cells["workers_collective"] += n
    for row in measure_rows([m.MEDIATION_AGREED], filters, before=period.end,
                            since=period.start, group_by=["month", "tier"]):
        if row["tier"] == Tier.PRE_ARBITRATION:
            flows[row["month"]]["pre_arbitration"] += row["total"]
    pending = 0
    for row in measure_rows(STOCK_MEASURES, filters, before=period.start, by_month=False):
        pending += row["total"] if row["measure"] == m.ARBITRATION_ACCEPTED else -row["total"]
    rows, total = [], TableRow(None, _blank())
    total.values["pending_start"] = pending
    for month in period.months:
        values = dict(flows.get(month) or _blank())
        values["pending_start"] = pending
        pending += int(values["accepted"]) - int(values["closed"])
        values["pending_end"] = pending
        rows.append(TableRow(month, values))
        for column in COLUMNS:
            if column.key not in ("pending_start", "pending_end"):
                total.values[column.key] += values[column.key]
    total.values["pending_end"] = pending
    return MonthlyTable(period, rows, total)
