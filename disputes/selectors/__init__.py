"""Read-side queries about cases: the clocks that apply to a case, overdue figures, and
the rules a filing officer must see (simplified procedure, collective handling, limitation).

Clocks are computed from the case's own rows with the cached calendar and period table:
no query per clock, and `clocks_for_many` reads a whole queue in a fixed number of queries.
"""

from __future__ import annotations

from disputes.selectors.clocks import (
    ARBITRATION_OUTCOMES,
    STAFF_CLOCKS,
    AttemptRow,
    AwardRow,
    CaseClockFields,
    OverdueFigures,
    PageRows,
    RecordClockFields,
    SuspensionRow,
    clock_prefetches,
    clocks_for_many,
    clocks_for_page,
    db_date,
    dispute_clocks,
    next_due,
    overdue_figures,
    page_clocks,
    page_rows,
    page_rows_of,
    page_rows_subquery,
    record_of,
    with_clock_data,
)
from disputes.selectors.notices import (
    CollectiveStatus,
    LimitationItem,
    LimitationNotice,
    case_notices,
    claimed_amount,
    collective_status,
    limitation_notice,
    simplified_eligibility,
)
from disputes.selectors.references import Names, names_for

__all__ = [
    "ARBITRATION_OUTCOMES",
    "STAFF_CLOCKS",
    "AttemptRow",
    "AwardRow",
    "CaseClockFields",
    "CollectiveStatus",
    "LimitationItem",
    "LimitationNotice",
    "Names",
    "OverdueFigures",
    "PageRows",
    "RecordClockFields",
    "SuspensionRow",
    "case_notices",
    "claimed_amount",
    "clock_prefetches",
    "clocks_for_many",
    "clocks_for_page",
    "collective_status",
    "db_date",
    "dispute_clocks",
    "limitation_notice",
    "names_for",
    "next_due",
    "overdue_figures",
    "page_clocks",
    "page_rows",
    "page_rows_of",
    "page_rows_subquery",
    "record_of",
    "simplified_eligibility",
    "with_clock_data",
]
