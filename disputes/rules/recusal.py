"""Recusal (回避, Law art. 33)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

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
