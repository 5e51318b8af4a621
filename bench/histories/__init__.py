"""Case histories for the bench database, generated as rows ready for COPY.

A case walks a path the lifecycle allows (the recipes mirror `disputes/demo/`'s), with
dates that fit the law's clocks, the rows each service would have written (mediation
attempts and sessions, agreements, the arbitration record, tribunal, hearings,
suspensions, awards and their items) and one event per step, hash-chained with
`disputes.events.event_hash` and already delivered. Nothing goes through the services:
a million cases must load in minutes, so the paths are planned here and written in bulk.

Receipt dates follow the case id over the years up to today, as a live system's do. A
path is cut at today: the newest cases are open, in whatever state their path had
reached when today came, and the older ones are closed.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.histories.arbitration import ArbitrationSteps
from bench.histories.case import Context
from bench.histories.mediation import MediationSteps
from bench.histories.rows import TABLE_ORDER, Ids, tables
from bench.world import World

__all__ = ["TABLE_ORDER", "CaseHistory", "Chunk", "build_chunk", "tables"]


class CaseHistory(MediationSteps, ArbitrationSteps):
    """One case, with every step a path can take."""


@dataclass
class Chunk:
    rows: dict[str, list[dict[str, Any]]]
    states: Counter[str] = field(default_factory=Counter)


def build_chunk(world: World, *, chunk: int, size: int, seed: int) -> Chunk:
    """The rows of cases chunk·size+1 .. (chunk+1)·size (reproducible for a seed)."""
    rng = random.Random(seed * 1_000_003 + chunk)  # noqa: S311 - bench data, reproducible
    context = Context(world, rng, Ids(chunk, size), {name: [] for name in TABLE_ORDER},
                      list(itertools.accumulate(world.company_weights)))
    result = Chunk(context.rows)
    for dispute_id in range(chunk * size + 1, min((chunk + 1) * size, world.cases) + 1):
        history = CaseHistory(context, dispute_id)
        history.run()
        result.states[history.status] += 1
    context.ids.check()
    return result

