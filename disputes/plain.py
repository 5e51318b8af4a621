"""The case's state in plain words for workers and employers: where it is and what comes
next (the status page, the public look-up, SMS texts). Staff screens use the state labels."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

from disputes.lifecycle import SUBMITTED_EVENT, TRANSITIONS
from disputes.models import Outcome, Status


@dataclass(frozen=True)
class PlainState:
    now_zh: str
    next_zh: str
    now_en: str
    next_en: str

    @property
    def now(self) -> str:
        return self.now_en if _english() else self.now_zh

    @property
    def next(self) -> str:
        return self.next_en if _english() else self.next_zh


def _english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


_STATES: dict[str, PlainState] = {
    Status.SUBMITTED: PlainState(
        "您的申请已收到，正在分派到调解组织或仲裁委员会。",
        "工作人员将在近日联系您，告知由哪个组织办理。",
        "Your application has been received and is being routed.",
        "Staff will contact you soon about who handles your case."),
    Status.ENTERPRISE_MEDIATION: PlainState(
        "企业劳动争议调解委员会正在调解。",
        "调解员会约您和单位协商；15 日内未达成协议，您可以申请仲裁。",
        "The enterprise mediation committee is mediating.",
        "The mediator will arrange a meeting; after 15 days without agreement "
        "you may apply for arbitration."),
    Status.STREET_MEDIATION: PlainState(
        "街道劳动争议调解中心正在调解。",
        "调解员会约您和单位协商；15 日内未达成协议，您可以申请仲裁。",
        "The street mediation center is mediating.",
        "The mediator will arrange a meeting; after 15 days without agreement "
        "you may apply for arbitration."),
    Status.UNION_MEDIATION: PlainState(
        "工会调解组织正在调解。",
        "调解员会约您和单位协商；15 日内未达成协议，您可以申请仲裁。",
        "The union mediation studio is mediating.",
        "The mediator will arrange a meeting; after 15 days without agreement "
        "you may apply for arbitration."),
    Status.MEDIATION_SUCCEEDED: PlainState(
        "双方已达成调解协议。",
        "请按协议履行；单位未按期履行的，您可以申请仲裁或依法申请支付令。",
        "An agreement has been reached.",
        "The agreement is to be performed; if the employer does not, you may apply "
        "for arbitration or a payment order."),
    Status.MEDIATION_FAILED: PlainState(
        "调解未能达成协议。",
        "您可以向劳动人事争议仲裁委员会申请仲裁。",
        "Mediation ended without agreement.",
        "You may apply to the labor dispute arbitration commission."),
    Status.ARBITRATION_REVIEW: PlainState(
        "仲裁委员会正在审查您的仲裁申请。",
        "仲裁委员会将在收到申请后 5 个工作日内决定是否受理。",
        "The arbitration commission is reviewing your application.",
        "It decides within 5 working days of receiving it whether to accept the case."),
    Status.PRE_ARBITRATION_MEDIATION: PlainState(
        "仲裁委员会在立案前组织调解。",
        "调解不成的，将继续审查是否受理。",
        "The commission is mediating before deciding on acceptance.",
        "If mediation fails, the acceptance review continues."),
    Status.NOT_ACCEPTED: PlainState(
        "仲裁委员会决定不予受理。",
        "您可以自收到不予受理通知书之日起 15 日内向人民法院起诉。",
        "The arbitration commission did not accept the case.",
        "You may sue in the people's court within 15 days of receiving the notice."),
    Status.ACCEPTED: PlainState(
        "仲裁委员会已受理，正在组成仲裁庭、准备开庭。",
        "您将收到开庭通知，至少在开庭 5 日前送达。",
        "The case has been accepted; the tribunal is being formed.",
        "You will receive a hearing notice at least 5 days before the hearing."),
    Status.HEARING_SCHEDULED: PlainState(
        "已安排开庭。",
        "请按开庭通知的时间、地点到庭；有正当理由需延期的，最迟在开庭前 3 日提出。",
        "A hearing has been scheduled.",
        "Attend at the time and place in the notice; ask for a postponement at least "
        "3 days before."),
    Status.DELIBERATION: PlainState(
        "庭审已结束，仲裁庭正在合议。",
        "仲裁庭将在审限内作出裁决或制作调解书。",
        "The hearing is over and the tribunal is deliberating.",
        "The tribunal will issue an award or a mediation statement within the time limit."),
    Status.SUSPENDED: PlainState(
        "案件中止审理，审理期限暂停计算。",
        "中止事由消除后恢复审理。",
        "The case is suspended and its time limit is paused.",
        "It resumes when the reason for the suspension ends."),
}

_CLOSED: dict[str, PlainState] = {
    Outcome.AWARD: PlainState(
        "仲裁庭已作出裁决，案件已结案。",
        "不服非终局裁决的，可自收到裁决书之日起 15 日内向人民法院起诉。",
        "The tribunal has issued its award; the case is closed.",
        "A party who disagrees with a non-final award may sue within 15 days of "
        "receiving it."),
}
_CLOSED_DEFAULT = PlainState(
    "案件已结案。", "如对办理情况有意见，欢迎进行满意度评价。",
    "The case is closed.", "You are welcome to rate how it was handled.")


def plain_state(status: str, outcome: str = "") -> PlainState:
    if status == Status.CLOSED:
        return _CLOSED.get(outcome, _CLOSED_DEFAULT)
    return _STATES[status]


# Events that are not transitions of the lifecycle.
_OTHER_EVENTS = {
    SUBMITTED_EVENT: ("提交申请", "Application submitted"),
    "evidence_added": ("提交证据", "Evidence added"),
}


def event_label(kind: str) -> str:
    """The timeline's words for an event kind."""
    if kind in _OTHER_EVENTS:
        zh, en = _OTHER_EVENTS[kind]
        return en if _english() else zh
    spec = TRANSITIONS.get(kind)
    return spec.label if spec is not None else kind
