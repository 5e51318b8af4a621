"""Which way the bench cases go: weighted paths through the lifecycle, and the texts
their steps record. The paths mirror `disputes/demo/`'s recipes."""

from __future__ import annotations

import itertools

from disputes.models import Status as S

# Which way a case goes (weights per 100 cases), read token by token by `CaseHistory`;
# "pre" becomes one of PRE_ROUTES (how the case reached the commission).
RECIPES: list[tuple[int, tuple[str, ...]]] = [
    (33, ("route:street", "assign", "session", "agree", "perform")),
    (5, ("route:peoples", "assign", "session", "agree", "perform")),
    (6, ("route:union", "assign", "session", "agree", "perform")),
    (5, ("route:enterprise", "assign", "session", "agree", "perform")),
    (3, ("route:street", "assign", "session", "fail", "route:union", "assign", "agree",
         "perform")),
    (4, ("route:street", "assign", "withdraw")),
    (7, ("pre", "apply", "refer", "pre_agree")),
    (2, ("pre", "apply", "refer", "pre_fail", "accept", "tribunal", "hearing", "conclude",
         "award")),
    (6, ("pre", "apply", "accept", "tribunal", "hearing", "statement")),
    (4, ("pre", "apply", "accept", "tribunal", "hearing", "conclude", "statement")),
    (10, ("pre", "apply", "accept", "tribunal", "hearing", "conclude", "award")),
    (2, ("pre", "apply", "accept", "tribunal", "amend", "hearing", "conclude", "award")),
    (2, ("pre", "apply", "accept", "tribunal", "hearing", "postpone", "conclude", "award")),
    (2, ("pre", "apply", "accept", "tribunal", "suspend", "resume", "hearing", "conclude",
         "award")),
    (1, ("pre", "apply", "accept", "tribunal", "hearing", "suspend", "resume", "conclude",
         "award")),
    (2, ("pre", "apply", "accept", "tribunal", "hearing", "conclude", "partial", "award")),
    (2, ("pre", "apply", "accept", "tribunal", "hearing", "conclude", "extend", "award")),
    (3, ("pre", "apply", "accept", "tribunal", "withdraw")),
    (2, ("pre", "apply", "accept", "tribunal", "hearing", "terminate")),
    (1, ("pre", "apply", "withdraw")),
    (3, ("pre", "apply", "refuse")),
]
PRE_ROUTES: list[tuple[int, tuple[str, ...]]] = [
    (68, ()),  # filed at the commission: "apply" follows on the same day
    (15, ("route:street", "assign", "session", "fail")),
    (4, ("route:union", "assign", "session", "fail")),
    (5, ("route:street", "assign", "session")),  # the 15-day window ran out (Law art. 14)
    (8, ("route:street", "assign", "session", "agree")),  # not performed (Law art. 15)
]
ROUTE_EVENT = {"street": "route_to_street", "peoples": "route_to_street",
               "union": "route_to_union", "enterprise": "route_to_enterprise"}
ROUTE_STATE = {"route_to_street": S.STREET_MEDIATION, "route_to_union": S.UNION_MEDIATION,
               "route_to_enterprise": S.ENTERPRISE_MEDIATION}
WITHDRAW_REASONS = ("双方已自行和解，申请人撤回申请。", "被申请人已支付拖欠工资，申请人撤回申请。",
                    "申请人另行向人民法院起诉，撤回申请。")
POSTPONE_REASONS = ("申请人因病住院，提交了医院证明。", "被申请人新委托代理人，申请准备时间。",
                    "申请人申请调取新证据。")
TERMINATE_REASON = ("申请人经书面通知无正当理由拒不到庭，按撤回仲裁申请处理（劳动争议调解仲裁法"
                    "第三十六条）。")
EXTEND_REASON = "案情复杂，需进一步调查核实加班事实，经仲裁委主任书面批准延长审限。"
AWARD_REASONING = "经审理查明，申请人与被申请人之间存在劳动关系，本庭依据查明的事实逐项作出裁决。"
WINDOW_RAN_OUT = "调解期限届满未达成协议，当事人申请仲裁"
RECIPE_TOKENS = [tokens for _, tokens in RECIPES]
RECIPE_WEIGHTS = list(itertools.accumulate(weight for weight, _ in RECIPES))
PRE_TOKENS = [tokens for _, tokens in PRE_ROUTES]
PRE_WEIGHTS = list(itertools.accumulate(weight for weight, _ in PRE_ROUTES))
