"""The plan's indicators as named, versioned definitions (DOMAIN.md, "The plan's targets").

No official formula for these rates was found and local practice differs, so each
indicator keeps its versions side by side; every figure says which one it uses, with the
definition's text beside the number, and the bureau chooses the default version of each
(`INDICATORS_DEFAULT_VERSIONS`). A definition never changes once figures were published
with it: a corrected rule is a new version.

A rate is numerator ÷ denominator, each a sum of parts; a part is a sum of maintained
measures (`indicators.measures`) over the period, or, for a stock ("pending at the
period's start"), their running total over every month before it. The target is met when
numerator × 100 ≥ target × denominator, exactly; rates are shown truncated to one decimal,
as the local reports do, so a figure never shows a target met that is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.utils.translation import get_language

from disputes.models import Tier
from indicators import measures as m

ARBITRATION_CLOSED = tuple(m.ARBITRATION_CLOSED.values())


def _english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


@dataclass(frozen=True)
class Term:
    """One measure in a part, optionally only for one mediation tier; `sign` -1 subtracts."""

    measure: str
    tier: str = ""
    sign: int = 1


@dataclass(frozen=True)
class Part:
    """A named count behind a rate, e.g. "cases pending at the period's start"."""

    key: str
    label_zh: str
    label_en: str
    terms: tuple[Term, ...]
    # A stock: the running total of `terms` over every month before the period.
    opening_stock: bool = False

    @property
    def label(self) -> str:
        return self.label_en if _english() else self.label_zh

    @property
    def measures(self) -> frozenset[str]:
        return frozenset(t.measure for t in self.terms)


@dataclass(frozen=True)
class Definition:
    code: str
    version: int
    name_zh: str
    name_en: str
    text_zh: str
    text_en: str
    target: Decimal  # percent
    numerator: tuple[Part, ...]
    denominator: tuple[Part, ...]
    # The dimensions a figure of this definition can be filtered and ranked by.
    dimensions: frozenset[str] = field(default_factory=lambda: frozenset(m.DIMENSIONS))

    @property
    def name(self) -> str:
        return self.name_en if _english() else self.name_zh

    @property
    def text(self) -> str:
        return self.text_en if _english() else self.text_zh

    @property
    def ref(self) -> str:
        return f"{self.code}.v{self.version}"

    @property
    def parts(self) -> tuple[Part, ...]:
        """Every part once (a part may be in both the numerator and the denominator)."""
        seen: dict[str, Part] = {}
        for part in (*self.numerator, *self.denominator):
            seen.setdefault(part.key, part)
        return tuple(seen.values())

    @property
    def measures(self) -> frozenset[str]:
        return frozenset().union(*(p.measures for p in self.parts))

    @property
    def needs_tier(self) -> bool:
        return any(t.tier for p in self.parts for t in p.terms)


def percent(numerator: int, denominator: int) -> Decimal | None:
    """The rate in percent, truncated (not rounded) to one decimal; None without a
    denominator."""
    if denominator <= 0:
        return None
    return (Decimal(numerator * 100) / Decimal(denominator)).quantize(Decimal("0.1"),
                                                                      rounding=ROUND_DOWN)


def meets(numerator: int, denominator: int, target: Decimal) -> bool | None:
    if denominator <= 0:
        return None
    return Decimal(numerator * 100) >= target * denominator


# -- the parts ------------------------------------------------------------------------------

AGREED = Part("agreed", "达成协议的调解", "mediations ended in an agreement",
              (Term(m.MEDIATION_AGREED),))
FAILED = Part("failed", "调解不成的调解", "mediations ended without agreement",
              (Term(m.MEDIATION_FAILED),))
PENDING_START = Part(
    "pending_start", "期初未结的仲裁案件", "arbitration cases pending at the period's start",
    (Term(m.ARBITRATION_ACCEPTED), *(Term(c, sign=-1) for c in ARBITRATION_CLOSED)),
    opening_stock=True)
ACCEPTED = Part("accepted", "期内受理的仲裁案件", "arbitration cases accepted in the period",
                (Term(m.ARBITRATION_ACCEPTED),))
CLOSED = Part("closed", "期内结案的仲裁案件（裁决、调解书、撤回、其他）",
              "arbitration cases closed in the period (award, mediation statement, "
              "withdrawal, other)", tuple(Term(c) for c in ARBITRATION_CLOSED))
ON_TIME = Part("on_time", "在审限内结案的", "closed within the award deadline",
               (Term(m.ARBITRATION_CLOSED_ON_TIME),))
STATEMENTS = Part("statements", "以仲裁调解书结案的", "closed by an arbitral mediation statement",
                  (Term(m.ARBITRATION_CLOSED["mediation_statement"]),))
PRE_ARBITRATION = Part(
    "pre_arbitration", "仲裁前调解成功（案外调解）",
    "pre-arbitration mediation agreements (disputes mediated outside a case)",
    (Term(m.MEDIATION_AGREED, tier=Tier.PRE_ARBITRATION),))
RATINGS = Part("ratings", "结案后当事人的评价", "ratings given by parties after closure",
               tuple(Term(s) for s in m.SATISFACTION_SCORE.values()))
POSITIVE_FROM_3 = Part(
    "positive", "好评（基本满意及以上）", "positive ratings (fairly satisfied or better)",
    tuple(Term(m.SATISFACTION_SCORE[s]) for s in (3, 4, 5)))
POSITIVE_FROM_4 = Part(
    "positive", "好评（满意、非常满意）", "positive ratings (satisfied or very satisfied)",
    tuple(Term(m.SATISFACTION_SCORE[s]) for s in (4, 5)))

NO_TIER = frozenset(d for d in m.DIMENSIONS if d != "tier")

# -- the definitions --------------------------------------------------------------------------

DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        code="mediation_success", version=1,
        name_zh="劳动人事争议调解成功率", name_en="Mediation success rate",
        text_zh=(
            "期内以达成协议结束的调解 ÷ 期内结束的调解（达成协议 + 调解不成）。计入所有层级："
            "企业、街道、工会调解，仲裁前调解和仲裁庭调解（调解书）；按调解结束之日（协议签订日、"
            "调解不成之日，或调解期满后申请仲裁之日，劳动争议调解仲裁法第十四条）归入期间，按承办"
            "调解的组织统计。撤回申请或未结束即转出的调解不计入。仲裁庭调解未成的不单独登记，"
            "仲裁庭调解只计成功的。"),
        text_en=(
            "Mediations that ended in an agreement in the period ÷ mediations that ended in it "
            "(agreement + failure), every tier: enterprise, street and union mediation, "
            "pre-arbitration mediation and tribunal mediation (mediation statements). Placed "
            "by the day the mediation ended (agreement signed, failure recorded, or "
            "arbitration applied for after the mediation window ran out, Law art. 14) and "
            "counted for the mediating organization. Withdrawn or abandoned mediations do "
            "not count. A tribunal mediation that fails is not recorded on its own, so the "
            "tribunal tier counts its successes only."),
        target=Decimal("72"), numerator=(AGREED,), denominator=(AGREED, FAILED),
    ),
    Definition(
        code="mediation_success", version=2,
        name_zh="调解率（仲裁院口径）", name_en="Mediation rate (arbitration court practice)",
        text_zh=(
            "（期内以仲裁调解书结案的受理案件 + 期内仲裁前调解成功的争议）÷（期内受理的仲裁案件 + "
            "期内仲裁前调解成功的争议），即把案外调解同时计入分子和分母的地方做法；按仲裁委统计。"),
        text_en=(
            "(Accepted cases closed by a mediation statement in the period + disputes settled "
            "by pre-arbitration mediation in it) ÷ (cases accepted in the period + those "
            "pre-arbitration settlements): the local practice that counts disputes mediated "
            "outside a case in both parts; counted for the arbitration commission."),
        target=Decimal("72"), numerator=(STATEMENTS, PRE_ARBITRATION),
        denominator=(ACCEPTED, PRE_ARBITRATION), dimensions=NO_TIER,
    ),
    Definition(
        code="arbitration_closure", version=1,
        name_zh="劳动人事争议仲裁结案率", name_en="Arbitration closure rate",
        text_zh=(
            "期内结案的仲裁案件（裁决、调解书、撤回、其他方式）÷（期初未结的仲裁案件 + 期内受理的"
            "仲裁案件）。仲裁案件指已受理的案件；按结案日期归入期间（结案日期早于受理日期的按受理"
            "日期计）；期初未结 = 期初之前受理且期初之前未结案的案件；按仲裁委统计。"),
        text_en=(
            "Arbitration cases closed in the period (award, mediation statement, withdrawal, "
            "other) ÷ (cases pending at the period's start + cases accepted in it). An "
            "arbitration case is an accepted one; it is placed by its closing date (a closing "
            "date before the acceptance date counts as the acceptance date); pending at the "
            "start = accepted before the start and not closed before it; counted for the "
            "arbitration commission."),
        target=Decimal("98"), numerator=(CLOSED,), denominator=(PENDING_START, ACCEPTED),
        dimensions=NO_TIER,
    ),
    Definition(
        code="arbitration_closure", version=2,
        name_zh="结案率（仲裁院口径）", name_en="Closure rate (arbitration court practice)",
        text_zh=(
            "（期内结案的仲裁案件 + 期内仲裁前调解成功的争议）÷（期内受理的仲裁案件 + 期内仲裁前调解"
            "成功的争议），不计期初未结；即把案外调解同时计入分子和分母的地方做法。"),
        text_en=(
            "(Arbitration cases closed in the period + disputes settled by pre-arbitration "
            "mediation in it) ÷ (cases accepted in the period + those settlements), without "
            "the cases pending at the start: the local practice that counts disputes mediated "
            "outside a case in both parts."),
        target=Decimal("98"), numerator=(CLOSED, PRE_ARBITRATION),
        denominator=(ACCEPTED, PRE_ARBITRATION), dimensions=NO_TIER,
    ),
    Definition(
        code="closed_within_period", version=1,
        name_zh="法定期限内结案率", name_en="Closed within the statutory period",
        text_zh=(
            "期内结案的仲裁案件中，在仲裁审限内结案的 ÷ 期内结案的仲裁案件。审限自受理之日起算"
            "四十五日（劳动争议调解仲裁法第四十三条），增加、变更请求后重新起算（办案规则第四十六条），"
            "经批准延长的（至多十五日）计入，中止期间不计入（办案规则第四十七条）；与案件页面的"
            "审限读数一致。按结案日期归入期间，按仲裁委统计。"),
        text_en=(
            "Of the arbitration cases closed in the period, those closed within the award "
            "deadline ÷ all of them. The deadline runs 45 days from acceptance (Law art. 43), "
            "restarts when claims are added or changed (Rules art. 46), includes an approved "
            "extension (at most 15 days) and not the days of suspension (Rules art. 47): the "
            "same reading as the case page. Placed by the closing date, counted for the "
            "arbitration commission."),
        target=Decimal("96"), numerator=(ON_TIME,), denominator=(CLOSED,),
        dimensions=NO_TIER,
    ),
    Definition(
        code="satisfaction", version=1,
        name_zh="政务服务好评率", name_en="Satisfaction (positive ratings)",
        text_zh=(
            "期内当事人在结案后给出的评价中，好评所占比例。评价分五级（非常满意、满意、基本满意、"
            "不满意、非常不满意），按政务服务“好差评”制度（国办发〔2019〕51号）不满意、非常不满意为"
            "差评，其余（3–5 分）为好评；按评价日期归入期间，按结案的组织统计。"),
        text_en=(
            "Of the ratings parties gave after their case was closed in the period, the share "
            "that is positive. Ratings have five grades (very satisfied, satisfied, fairly "
            "satisfied, dissatisfied, very dissatisfied); under the government-service rating "
            "scheme (State Council General Office 2019 No. 51) the last two are negative and "
            "the others (scores 3-5) positive. Placed by the rating date, counted for the "
            "organization that closed the case."),
        target=Decimal("98"), numerator=(POSITIVE_FROM_3,), denominator=(RATINGS,),
        dimensions=NO_TIER,
    ),
    Definition(
        code="satisfaction", version=2,
        name_zh="满意率（满意及以上）", name_en="Satisfaction (satisfied or better)",
        text_zh=(
            "期内当事人在结案后给出的评价中，满意、非常满意（4–5 分）所占比例；按评价日期归入期间，"
            "按结案的组织统计。"),
        text_en=(
            "Of the ratings parties gave after their case was closed in the period, the share "
            "of satisfied and very satisfied (scores 4-5). Placed by the rating date, counted "
            "for the organization that closed the case."),
        target=Decimal("98"), numerator=(POSITIVE_FROM_4,), denominator=(RATINGS,),
        dimensions=NO_TIER,
    ),
)

BY_REF = {(d.code, d.version): d for d in DEFINITIONS}
CODES = tuple(dict.fromkeys(d.code for d in DEFINITIONS))


class UnknownDefinition(KeyError):
    pass


def default_versions() -> dict[str, int]:
    chosen = dict.fromkeys(CODES, 1)
    chosen.update(settings.INDICATORS_DEFAULT_VERSIONS)
    return chosen


def definition(code: str, version: int | None = None) -> Definition:
    chosen = version if version is not None else default_versions().get(code, 1)
    try:
        return BY_REF[(code, chosen)]
    except KeyError as exc:
        raise UnknownDefinition(f"{code}.v{chosen}") from exc


def current_definitions(overrides: dict[str, int] | None = None) -> list[Definition]:
    """The definition of each indicator in use: the bureau's default, or `overrides`."""
    chosen = default_versions()
    chosen.update(overrides or {})
    return [definition(code, chosen[code]) for code in CODES]
