"""Rules the engine decides: final award, simplified procedure, collective handling,
recusal, limitation.

Pure functions on plain values and dataclasses; the wage tables they need come from
`disputes.law` through an in-memory cache. Every decision carries its reasons in Chinese
and English and the legal basis, so a screen can show why.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from disputes.clocks import ClockState, Pause, PeriodCode, read_clock
from disputes.law.wages import AverageWageRow, MinimumWageRow, average_wage_for, minimum_wage_on

# ---------------------------------------------------------------------------------------
# Final award (一裁终局)


class ClaimKind(StrEnum):
    WAGES = "wages"
    OVERTIME_PAY = "overtime_pay"
    WORK_INJURY_MEDICAL = "work_injury_medical"
    ECONOMIC_COMPENSATION = "economic_compensation"
    DAMAGES = "damages"
    WORKING_HOURS_LEAVE = "working_hours_leave"
    SOCIAL_INSURANCE = "social_insurance"
    LABOR_RELATIONSHIP = "labor_relationship"
    OTHER = "other"


# Law art. 47 (1): 追索劳动报酬、工伤医疗费、经济补偿或者赔偿金 — final up to 12 months'
# minimum wage, each item on its own (Rules art. 50).
MONEY_CLAIMS = frozenset(
    {
        ClaimKind.WAGES,
        ClaimKind.OVERTIME_PAY,
        ClaimKind.WORK_INJURY_MEDICAL,
        ClaimKind.ECONOMIC_COMPENSATION,
        ClaimKind.DAMAGES,
    }
)
# Law art. 47 (2): 因执行国家的劳动标准在工作时间、休息休假、社会保险等方面发生的争议.
NATIONAL_STANDARD_CLAIMS = frozenset({ClaimKind.WORKING_HOURS_LEAVE, ClaimKind.SOCIAL_INSURANCE})

FINAL_AWARD_MONTHS = 12
FINAL_AWARD_BASIS = (
    "《劳动争议调解仲裁法》第四十七条；《劳动人事争议仲裁办案规则》第五十条；"
    "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）第十九条"
)


@dataclass(frozen=True, slots=True)
class ClaimItem:
    """One item of an award: its kind and the amount awarded for it (yuan)."""

    kind: str
    amount: Decimal | None = None
    # For working hours / leave and social insurance: the dispute is over carrying out
    # national labor standards (Law art. 47 (2)).
    national_standard: bool = True
    label: str = ""


@dataclass(frozen=True, slots=True)
class ItemFinality:
    item: ClaimItem
    is_final: bool
    reason_zh: str
    reason_en: str
    basis: str = FINAL_AWARD_BASIS


@dataclass(frozen=True, slots=True)
class FinalAwardDecision:
    award_date: dt.date
    items: tuple[ItemFinality, ...]
    minimum_wage: MinimumWageRow | None
    threshold: Decimal | None

    @property
    def all_final(self) -> bool:
        return bool(self.items) and all(item.is_final for item in self.items)

    @property
    def any_final(self) -> bool:
        return any(item.is_final for item in self.items)

    @property
    def separate_awards(self) -> bool:
        """Final and non-final items go into separate awards (Rules art. 50)."""
        return self.any_final and not self.all_final


def _money(amount: Decimal | int | None) -> Decimal | None:
    if amount is None or isinstance(amount, Decimal):
        return amount
    if isinstance(amount, int):
        return Decimal(amount)
    raise TypeError("Amounts are Decimal (yuan), never float.")


def _item_finality(item: ClaimItem, threshold: Decimal | None) -> ItemFinality:
    kind = item.kind
    if kind in MONEY_CLAIMS:
        amount = _money(item.amount)
        if threshold is None:
            return ItemFinality(
                item,
                False,
                "未查到裁决日适用的当地月最低工资标准，无法判断是否终局，按非终局处理，请核实最低工资表。",
                "No local monthly minimum wage in force on the award date is on file; "
                "treated as non-final until the minimum-wage table is completed.",
            )
        if amount is None:
            return ItemFinality(
                item,
                False,
                "该项裁决金额未确定，无法判断是否终局。",
                "The amount awarded for this item is not known, so finality cannot be decided.",
            )
        if amount <= threshold:
            return ItemFinality(
                item,
                True,
                f"单项裁决金额 {amount} 元不超过当地月最低工资标准十二个月金额 {threshold} 元，"
                "为终局裁决。",
                f"The item's amount of {amount} yuan does not exceed 12 months of the local "
                f"minimum wage ({threshold} yuan): the award on it is final.",
            )
        return ItemFinality(
            item,
            False,
            f"单项裁决金额 {amount} 元超过当地月最低工资标准十二个月金额 {threshold} 元，"
            "为非终局裁决。",
            f"The item's amount of {amount} yuan exceeds 12 months of the local minimum wage "
            f"({threshold} yuan): the award on it is not final.",
        )
    if kind in NATIONAL_STANDARD_CLAIMS:
        if item.national_standard:
            return ItemFinality(
                item,
                True,
                "因执行国家的劳动标准在工作时间、休息休假、社会保险等方面发生的争议，为终局裁决。",
                "A dispute over carrying out national labor standards on working hours, rest "
                "and leave or social insurance: the award is final.",
            )
        return ItemFinality(
            item,
            False,
            "该争议不属于执行国家劳动标准发生的争议，为非终局裁决。",
            "The dispute is not over carrying out national labor standards: not final.",
        )
    if kind in {ClaimKind.LABOR_RELATIONSHIP, ClaimKind.OTHER}:
        return ItemFinality(
            item,
            False,
            "该类争议不属于《劳动争议调解仲裁法》第四十七条规定的终局裁决事项。",
            "This kind of dispute is not among the final-award matters of Law art. 47.",
        )
    raise ValueError(f"Unknown claim kind {kind!r}.")


def is_final_award(
    items: Sequence[ClaimItem], *, award_date: dt.date, region_code: str | None = None
) -> FinalAwardDecision:
    """Decide, item by item, which parts of an award are final (一裁终局).

    Law art. 47 (1), Rules art. 50: a claim for wages, work-injury medical costs,
    economic compensation or damages is final when the amount awarded for EACH item is at
    most 12 × the local monthly minimum wage in force on the award date; (2) disputes over
    working hours, rest and leave or social insurance under national standards are final.
    Other kinds are not. A final award binds the employer only (Law art. 48, 49).
    """
    wage = minimum_wage_on(award_date, region_code)
    threshold = wage.monthly_amount * FINAL_AWARD_MONTHS if wage is not None else None
    return FinalAwardDecision(
        award_date=award_date,
        items=tuple(_item_finality(item, threshold) for item in items),
        minimum_wage=wage,
        threshold=threshold,
    )


# ---------------------------------------------------------------------------------------
# Reasons shared by the other decisions


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    zh: str
    en: str
    basis: str


# ---------------------------------------------------------------------------------------
# Simplified procedure (简易处理)

SIMPLIFIED_BASIS = "《劳动人事争议仲裁办案规则》第五十六条、第五十七条"


@dataclass(frozen=True, slots=True)
class SimplifiedCase:
    applied_on: dt.date
    facts_clear: bool  # 事实清楚、权利义务关系明确、争议不大
    amount: Decimal | None  # 标的额 (yuan); None when not a money claim
    both_parties_agree: bool
    involves_state_or_public_interest: bool = False
    major_social_impact: bool = False
    respondent_whereabouts_unknown: bool = False
    commission_finds_unsuitable: bool = False
    region_code: str | None = None


@dataclass(frozen=True, slots=True)
class SimplifiedEligibility:
    eligible: bool
    grounds: tuple[Reason, ...]  # the grounds of art. 56 that are met
    exclusions: tuple[Reason, ...]  # the exclusions of art. 57 that apply
    notes: tuple[Reason, ...] = ()  # what the screen should also say (table fallbacks)
    average_wage: AverageWageRow | None = None

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.grounds + self.exclusions + self.notes


def simplified_procedure(case: SimplifiedCase) -> SimplifiedEligibility:
    """Whether a case may be handled simply, by a sole arbitrator.

    Rules art. 56: a case meeting ANY ONE of (1) clear facts, clear rights and duties and
    little in dispute, (2) an amount not above the province's average annual wage of the
    previous year, (3) both parties agree, may be handled simply. Rules art. 57: never
    when it involves state or public interest, has a major social impact, the respondent
    cannot be found, or the commission finds it unsuitable.
    """
    grounds: list[Reason] = []
    notes: list[Reason] = []
    if case.facts_clear:
        grounds.append(
            Reason(
                "facts_clear",
                "事实清楚、权利义务关系明确、争议不大。",
                "The facts are clear, rights and duties are clear and little is in dispute.",
                "《劳动人事争议仲裁办案规则》第五十六条第一款第（一）项",
            )
        )
    last_year = case.applied_on.year - 1
    wage = average_wage_for(last_year, case.region_code)
    amount = _money(case.amount)
    if wage is None:
        notes.append(
            Reason(
                "no_average_wage",
                f"未查到本省 {last_year} 年度职工年平均工资，标的额条件无法判断。",
                f"No provincial average annual wage for {last_year} is on file; the amount "
                "ground cannot be assessed.",
                SIMPLIFIED_BASIS,
            )
        )
    else:
        if wage.year != last_year:
            notes.append(
                Reason(
                    "average_wage_fallback",
                    f"未查到 {last_year} 年度数据，暂按 {wage.year} 年度职工年平均工资"
                    f"（{wage.annual_amount} 元）判断。",
                    f"No figure for {last_year} is on file; the {wage.year} average annual "
                    f"wage ({wage.annual_amount} yuan) is used for now.",
                    SIMPLIFIED_BASIS,
                )
            )
        if amount is not None and amount <= wage.annual_amount:
            grounds.append(
                Reason(
                    "amount_within_average_wage",
                    f"标的额 {amount} 元不超过{wage.region_name}上年度职工年平均工资"
                    f" {wage.annual_amount} 元。",
                    f"The amount of {amount} yuan is not above the province's previous-year "
                    f"average annual wage of {wage.annual_amount} yuan.",
                    "《劳动人事争议仲裁办案规则》第五十六条第一款第（二）项",
                )
            )
        elif amount is not None:
            notes.append(
                Reason(
                    "amount_above_average_wage",
                    f"标的额 {amount} 元超过{wage.region_name} {wage.year} 年度职工年平均工资"
                    f" {wage.annual_amount} 元。",
                    f"The amount of {amount} yuan is above the province's {wage.year} "
                    f"average annual wage of {wage.annual_amount} yuan.",
                    "《劳动人事争议仲裁办案规则》第五十六条第一款第（二）项",
                )
            )
        else:
            notes.append(
                Reason(
                    "no_amount",
                    "请求没有确定的金额，不能按标的额简易处理。",
                    "The claims have no amount; the amount ground does not apply.",
                    "《劳动人事争议仲裁办案规则》第五十六条第一款第（二）项",
                )
            )
    if case.both_parties_agree:
        grounds.append(
            Reason(
                "parties_agree",
                "双方当事人同意简易处理。",
                "Both parties agree to simplified handling.",
                "《劳动人事争议仲裁办案规则》第五十六条第一款第（三）项",
            )
        )

    exclusions: list[Reason] = []
    art57 = "《劳动人事争议仲裁办案规则》第五十七条"
    for applies, code, zh, en in (
        (
            case.involves_state_or_public_interest,
            "state_or_public_interest",
            "涉及国家利益、社会公共利益，不得简易处理。",
            "It involves state or public interest: no simplified handling.",
        ),
        (
            case.major_social_impact,
            "major_social_impact",
            "有重大社会影响，不得简易处理。",
            "It has a major social impact: no simplified handling.",
        ),
        (
            case.respondent_whereabouts_unknown,
            "respondent_unknown",
            "被申请人下落不明，不得简易处理。",
            "The respondent cannot be found: no simplified handling.",
        ),
        (
            case.commission_finds_unsuitable,
            "commission_unsuitable",
            "仲裁委员会认为不宜简易处理。",
            "The commission finds the case unsuitable for simplified handling.",
        ),
    ):
        if applies:
            exclusions.append(Reason(code, zh, en, art57))

    if not grounds and not exclusions:
        notes.append(
            Reason(
                "no_ground",
                "不符合简易处理的任何一种情形。",
                "None of the grounds for simplified handling is met.",
                SIMPLIFIED_BASIS,
            )
        )
    return SimplifiedEligibility(
        eligible=bool(grounds) and not exclusions,
        grounds=tuple(grounds),
        exclusions=tuple(exclusions),
        notes=tuple(notes),
        average_wage=wage,
    )


# ---------------------------------------------------------------------------------------
# Collective disputes (集体劳动人事争议)

COLLECTIVE_MIN_WORKERS = 10
COLLECTIVE_BASIS = (
    "《劳动争议调解仲裁法》第七条；《劳动人事争议仲裁办案规则》第五条、第六十二条；"
    "《劳动人事争议仲裁组织规则》第十三条"
)


@dataclass(frozen=True, slots=True)
class CollectiveHandling:
    is_collective: bool
    priority: bool  # priority filing and hearing (Rules art. 5)
    representatives: bool  # the workers elect representatives (Law art. 7)
    tribunal_size: int | None  # three arbitrators with a presiding one; None: not fixed here
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


def collective_handling(
    *, workers: int, common_claim: bool, collective_contract: bool
) -> CollectiveHandling:
    """How a dispute with many workers, or over a collective contract, is handled.

    Rules art. 62: ten or more workers with a common claim, or a dispute over carrying
    out a collective contract: priority filing and hearing (art. 5), representatives
    (Law art. 7: three to five), and a tribunal of three arbitrators.
    """
    reasons: list[Reason] = []
    if workers >= COLLECTIVE_MIN_WORKERS and common_claim:
        reasons.append(
            Reason(
                "ten_or_more_workers",
                f"劳动者一方 {workers} 人，在十人以上并有共同请求，按集体争议处理：优先立案、"
                "优先审理，可推举三至五名代表参加仲裁，由三名仲裁员组成仲裁庭。",
                f"{workers} workers, ten or more with a common claim: a collective dispute — "
                "priority filing and hearing, three to five elected representatives, a "
                "tribunal of three arbitrators.",
                COLLECTIVE_BASIS,
            )
        )
    elif workers >= COLLECTIVE_MIN_WORKERS:
        reasons.append(
            Reason(
                "no_common_claim",
                "劳动者虽在十人以上，但没有共同请求，不按集体争议处理。",
                "Ten or more workers, but without a common claim: not a collective dispute.",
                COLLECTIVE_BASIS,
            )
        )
    if collective_contract:
        reasons.append(
            Reason(
                "collective_contract",
                "因履行集体合同发生的争议，按集体争议处理：优先立案、优先审理，"
                "由工会或推举的代表参加，按三方原则由三名仲裁员组成仲裁庭。",
                "A dispute over carrying out a collective contract: priority filing and "
                "hearing, the union or elected representatives take part, a tripartite "
                "tribunal of three arbitrators.",
                COLLECTIVE_BASIS + "；《劳动合同法》第五十六条",
            )
        )
    is_collective = collective_contract or (workers >= COLLECTIVE_MIN_WORKERS and common_claim)
    return CollectiveHandling(
        is_collective=is_collective,
        priority=is_collective,
        representatives=is_collective,
        tribunal_size=3 if is_collective else None,
        reasons=tuple(reasons),
    )


# ---------------------------------------------------------------------------------------
# Recusal (回避)

RECUSAL_BASIS = "《劳动争议调解仲裁法》第三十三条"


class RelationKind(StrEnum):
    IS_PARTY = "is_party"  # 是本案当事人
    CLOSE_RELATIVE = "close_relative"  # 是当事人、代理人的近亲属
    INTEREST = "interest"  # 与本案有利害关系
    OTHER_RELATION = "other_relation"  # 与当事人、代理人有其他关系，可能影响公正裁决
    PRIVATE_MEETING = "private_meeting"  # 私自会见当事人、代理人，或接受请客送礼


@dataclass(frozen=True, slots=True)
class ArbitratorRelation:
    """A relation an arbitrator declared, with the person or organization it concerns."""

    kind: str
    counterpart_name: str = ""
    counterpart_identifier: str = ""  # resident ID or unified social credit code
    note: str = ""


@dataclass(frozen=True, slots=True)
class PartyRef:
    """A party (or a party's agent) of the case."""

    name: str
    identifier: str = ""
    is_agent: bool = False


@dataclass(frozen=True, slots=True)
class Conflict:
    relation: ArbitratorRelation
    party: PartyRef
    matched_on: str  # "identifier" or "name"
    reason_zh: str
    reason_en: str
    basis: str = RECUSAL_BASIS


_RELATION_TEXT: dict[str, tuple[str, str, str]] = {
    # kind: (zh, en, basis) — Law art. 33 (1)-(4).
    RelationKind.IS_PARTY: (
        "仲裁员是本案当事人",
        "the arbitrator is a party to the case",
        "《劳动争议调解仲裁法》第三十三条第（一）项",
    ),
    RelationKind.CLOSE_RELATIVE: (
        "仲裁员是本案当事人或代理人的近亲属",
        "the arbitrator is a close relative of a party or agent",
        "《劳动争议调解仲裁法》第三十三条第（一）项",
    ),
    RelationKind.INTEREST: (
        "仲裁员与本案有利害关系",
        "the arbitrator has an interest in the case",
        "《劳动争议调解仲裁法》第三十三条第（二）项",
    ),
    RelationKind.OTHER_RELATION: (
        "仲裁员与本案当事人或代理人有其他关系，可能影响公正裁决",
        "the arbitrator has another relation with a party or agent that may affect fairness",
        "《劳动争议调解仲裁法》第三十三条第（三）项",
    ),
    RelationKind.PRIVATE_MEETING: (
        "仲裁员私自会见当事人或代理人，或接受其请客送礼",
        "the arbitrator met a party or agent privately or accepted gifts or hospitality",
        "《劳动争议调解仲裁法》第三十三条第（四）项",
    ),
}
# Being "a party" concerns the parties themselves; the other grounds reach agents too.
_KINDS_REACHING_AGENTS = frozenset(
    {RelationKind.CLOSE_RELATIVE, RelationKind.OTHER_RELATION, RelationKind.PRIVATE_MEETING}
)


def normalize_name(name: str) -> str:
    """A name for matching: full-width folded, case folded, spaces and punctuation dropped."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def normalize_identifier(identifier: str) -> str:
    """An identifier for exact matching: full-width folded, spaces dropped, upper case."""
    text = unicodedata.normalize("NFKC", identifier)
    return "".join(text.split()).upper()


def _match(relation: ArbitratorRelation, party: PartyRef) -> str | None:
    mine = normalize_identifier(relation.counterpart_identifier)
    theirs = normalize_identifier(party.identifier)
    if mine and theirs:
        # Both identified: the identifiers decide; two people may share a name.
        return "identifier" if mine == theirs else None
    name = normalize_name(relation.counterpart_name)
    if name and name == normalize_name(party.name):
        return "name"
    return None


def recusal_conflicts(
    relations: Iterable[ArbitratorRelation], parties: Iterable[PartyRef]
) -> list[Conflict]:
    """The declared relations that bar an arbitrator from the case (Law art. 33).

    A relation matches a party or agent by identifier exactly, or by normalized name
    where either side has no identifier. Checked before assignment; the chair decides
    on a recusal (Law art. 36).
    """
    party_list = list(parties)
    conflicts: list[Conflict] = []
    for relation in relations:
        if relation.kind not in _RELATION_TEXT:
            raise ValueError(f"Unknown relation kind {relation.kind!r}.")
        zh, en, basis = _RELATION_TEXT[relation.kind]
        for party in party_list:
            if party.is_agent and relation.kind not in _KINDS_REACHING_AGENTS:
                continue
            matched_on = _match(relation, party)
            if matched_on is None:
                continue
            who_zh = "代理人" if party.is_agent else "当事人"
            who_en = "agent" if party.is_agent else "party"
            how_zh = "证件号码一致" if matched_on == "identifier" else "姓名/名称一致"
            how_en = "same identifier" if matched_on == "identifier" else "same name"
            conflicts.append(
                Conflict(
                    relation=relation,
                    party=party,
                    matched_on=matched_on,
                    reason_zh=f"{zh}（{who_zh}：{party.name}，{how_zh}），应当回避。",
                    reason_en=f"Must withdraw: {en} ({who_en}: {party.name}, {how_en}).",
                    basis=basis,
                )
            )
    return conflicts


# ---------------------------------------------------------------------------------------
# Limitation (仲裁时效)

LIMITATION_BASIS = "《劳动争议调解仲裁法》第二十七条"
# Labor remuneration (劳动报酬) owed during employment: no limit while it lasts (art. 27 ¶4).
REMUNERATION_CLAIMS = frozenset({ClaimKind.WAGES, ClaimKind.OVERTIME_PAY})


@dataclass(frozen=True, slots=True)
class LimitationWarning:
    """Whether the one-year limitation may have run; a defence, never a ground to refuse.

    The commission accepts the application either way; the respondent may raise it.
    """

    out_of_time: bool
    counted_from: dt.date | None
    runs_until: dt.date | None  # None: no limit runs (wages during employment)
    provisional: bool
    reason_zh: str
    reason_en: str
    basis: str = LIMITATION_BASIS


def limitation_warning(
    *,
    claim_kind: str,
    knew_on: dt.date,
    applied_on: dt.date,
    employment_ended_on: dt.date | None = None,
    interrupted_on: dt.date | None = None,
    suspensions: Sequence[Pause] = (),
) -> LimitationWarning:
    """Check the one-year limitation of Law art. 27 for one claim.

    The year runs from the day the party knew or should have known of the infringement
    (¶1); it starts anew from an interruption (¶2: a claim on the other side, a request
    for relief, the other side agreeing to perform), and stops during a suspension (¶3:
    force majeure or another just cause). Wages owed during employment: no limit while
    the employment lasts; once it has ended, one year from its end (¶4).
    """
    employed = employment_ended_on is None or employment_ended_on >= applied_on
    if claim_kind in REMUNERATION_CLAIMS and employed:
        return LimitationWarning(
            out_of_time=False,
            counted_from=None,
            runs_until=None,
            provisional=False,
            reason_zh="劳动关系存续期间因拖欠劳动报酬发生争议，不受一年仲裁时效限制。",
            reason_en="Unpaid remuneration during employment: the one-year limitation does "
            "not run while the employment lasts.",
            basis=LIMITATION_BASIS + "第四款",
        )
    if claim_kind in REMUNERATION_CLAIMS and employment_ended_on is not None:
        counted_from = employment_ended_on
        from_zh, from_en = "劳动关系终止之日", "the end of the employment"
    else:
        counted_from = knew_on
        from_zh = "知道或者应当知道权利被侵害之日"
        from_en = "the day the party knew or should have known"
    if interrupted_on is not None and interrupted_on > counted_from:
        # Only a running limitation is interrupted: one that had already run out is not
        # revived by a later request for relief.
        before = read_clock(
            PeriodCode.LIMITATION,
            counted_from,
            today=interrupted_on,
            met_on=interrupted_on,
            pauses=suspensions,
        )
        if before.state == ClockState.MET_ON_TIME:
            counted_from = interrupted_on
            from_zh, from_en = "时效中断之日", "the interruption"
    reading = read_clock(
        PeriodCode.LIMITATION,
        counted_from,
        today=applied_on,
        met_on=applied_on,
        pauses=suspensions,
    )
    out_of_time = reading.state == ClockState.MET_LATE
    if out_of_time:
        reason_zh = (
            f"自{from_zh}（{counted_from}）起算的一年仲裁时效已于 {reading.due_on} 届满；"
            "时效是被申请人的抗辩事由，不影响受理。"
        )
        reason_en = (
            f"The one-year limitation counted from {from_en} ({counted_from}) ran out on "
            f"{reading.due_on}; it is a defence for the respondent, not a ground to refuse."
        )
    else:
        reason_zh = (
            f"自{from_zh}（{counted_from}）起算，仲裁时效至 {reading.due_on} 届满，申请在时效内。"
        )
        reason_en = (
            f"Counted from {from_en} ({counted_from}), the limitation runs until "
            f"{reading.due_on}; the application is in time."
        )
    return LimitationWarning(
        out_of_time=out_of_time,
        counted_from=counted_from,
        runs_until=reading.due_on,
        provisional=reading.provisional,
        reason_zh=reason_zh,
        reason_en=reason_en,
    )
