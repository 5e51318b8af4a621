"""Demo cases for 东西湖区, driven through the real services (`manage.py seed_demo`).

Nothing here writes a Dispute, Party or event row itself: every case is submitted with
`dispute_submit` and moved with `dispute_transition` by a persona who may do that step,
with dates that fit the law's clocks (hearing notice ≥ 5 working days, postponement
request ≥ 3 working days before the hearing, arbitration from a mediating state only
after the 15-day window). Each case is first planned as a list of dated steps; all steps
of all cases then run in date order, so case numbers follow acceptance dates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from disputes import calendar, clocks, services
from disputes.identifiers import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_char,
    resident_id_check_char,
)
from disputes.models import Channel, Dispute, DisputeType, Party, Procedure, Status
from mediation.models import District, Organization, Street

S = Status
MEDIATING = {S.ENTERPRISE_MEDIATION, S.STREET_MEDIATION, S.UNION_MEDIATION}
IN_ARBITRATION = {S.ACCEPTED, S.HEARING_SCHEDULED, S.DELIBERATION}

# ---------------------------------------------------------------------------------------
# Who and where (the command builds the organizations and accounts from this)


@dataclass(frozen=True)
class StreetInfo:
    name: str
    latitude: str
    longitude: str
    road: str


STREETS = [
    StreetInfo("吴家山街道", "30.643500", "114.137500", "吴中街"),
    StreetInfo("将军路街道", "30.654000", "114.231000", "将军路"),
    StreetInfo("慈惠街道", "30.612000", "114.164000", "慈惠路"),
    StreetInfo("走马岭街道", "30.601000", "114.086000", "汇通大道"),
    StreetInfo("径河街道", "30.666000", "114.112000", "三秀路"),
    StreetInfo("长青街道", "30.637000", "114.199000", "长青路"),
    StreetInfo("辛安渡街道", "30.683000", "114.045000", "辛安渡大道"),
    StreetInfo("东山街道", "30.718000", "114.092000", "东山大道"),
    StreetInfo("新沟镇街道", "30.619000", "114.035000", "新沟大道"),
    StreetInfo("柏泉街道", "30.746000", "114.164000", "柏泉大道"),
    StreetInfo("金银湖街道", "30.672000", "114.202000", "金银湖路"),
    StreetInfo("常青花园新区街道", "30.628000", "114.218000", "常青花园路"),
]


@dataclass(frozen=True)
class Industry:
    jobs: tuple[str, ...]
    wage: tuple[int, int]  # monthly wage range, yuan
    migrant: bool = False  # construction: migrant-worker wage arrears
    platform: bool = False  # new forms of employment (riders, ride-hailing drivers)


INDUSTRIES = {
    "logistics": Industry(("叉车司机", "冷库搬运工", "仓库理货员", "货车司机"), (4500, 8000)),
    "food": Industry(("生产线操作工", "包装工", "质检员", "设备维修工"), (4000, 7000)),
    "auto": Industry(("冲压工", "焊工", "装配工", "数控机床操作工"), (5000, 9000)),
    "construction": Industry(("钢筋工", "木工", "泥瓦工", "架子工", "混凝土工"), (6000, 12000),
                             migrant=True),
    "delivery": Industry(("外卖骑手", "即时配送员", "快递员"), (5000, 9000), platform=True),
    "ridehailing": Industry(("网约车司机",), (5000, 10000), platform=True),
    "it": Industry(("软件工程师", "测试工程师", "运维工程师", "销售经理"), (9000, 25000)),
    "warehouse": Industry(("分拣员", "打包员", "仓管员"), (4000, 6500)),
    "catering": Industry(("厨师", "服务员", "收银员"), (3500, 6500)),
    "property": Industry(("保安员", "保洁员", "物业管理员"), (3000, 5500)),
    "hotel": Industry(("前台接待", "客房服务员", "餐饮部主管"), (3500, 7000)),
    "retail": Industry(("营业员", "理货员", "门店店长"), (3500, 8000)),
    "manufacturing": Industry(("机修工", "印刷机长", "车间主任", "操作工"), (4500, 9000)),
    "agriculture": Industry(("种植工人", "农机手", "农技员"), (3200, 5500)),
}


@dataclass(frozen=True)
class Company:
    name: str
    street: int  # index into STREETS
    industry: str
    number: int  # street number of its address

    @property
    def credit_code(self) -> str:
        """A GB 32100 code with a valid check character, derived from the name (stable)."""
        digest = hashlib.sha256(self.name.encode()).digest()
        body = "".join(CREDIT_CODE_ALPHABET[b % len(CREDIT_CODE_ALPHABET)] for b in digest[:5])
        first17 = f"91420112MA4K{body}"
        return first17 + credit_code_check_char(first17)

    @property
    def address(self) -> str:
        street = STREETS[self.street]
        return f"武汉市东西湖区{street.name}{street.road}{self.number}号"


# Invented names in the district's industries (no real employer is put in a dispute).
COMPANIES = [
    Company("武汉临空港冷链物流有限公司", 0, "logistics", 66),
    Company("武汉吴家山食品科技有限公司", 0, "food", 208),
    Company("武汉东吴建筑劳务有限公司", 0, "construction", 31),
    Company("武汉汉江湾餐饮管理有限公司", 0, "catering", 12),
    Company("武汉吴中物业服务有限公司", 0, "property", 95),
    Company("武汉速达同城配送服务有限公司", 0, "delivery", 150),
    Company("武汉将军路商贸有限公司", 1, "retail", 41),
    Company("武汉北湖汽车服务有限公司", 1, "auto", 77),
    Company("武汉慈惠汽车零部件有限公司", 2, "auto", 18),
    Company("武汉走马岭包装材料有限公司", 3, "manufacturing", 58),
    Company("武汉汇通电商仓储服务有限公司", 3, "warehouse", 9),
    Company("武汉网谷信息安全技术有限公司", 4, "it", 88),
    Company("武汉径河机械制造有限公司", 4, "manufacturing", 23),
    Company("武汉长青保安服务有限公司", 5, "property", 60),
    Company("武汉辛安渡生态农业发展有限公司", 6, "agriculture", 5),
    Company("武汉东山建材有限公司", 7, "manufacturing", 102),
    Company("湖北楚风建设工程有限公司", 7, "construction", 16),
    Company("武汉新沟粮油食品有限公司", 8, "food", 37),
    Company("武汉柏泉文旅发展有限公司", 9, "hotel", 3),
    Company("武汉金银湖酒店管理有限公司", 10, "hotel", 19),
    Company("武汉骑趣网络科技有限公司", 10, "delivery", 126),
    Company("武汉畅行网约车服务有限公司", 10, "ridehailing", 71),
    Company("武汉常青花园连锁超市有限公司", 11, "retail", 45),
    Company("武汉金禾建筑劳务有限公司", 11, "construction", 8),
]
# Companies with their own labor-dispute mediation committee ("enterprise1".."enterprise3").
ENTERPRISE_COMPANIES = [COMPANIES[0], COMPANIES[1], COMPANIES[8]]
EMPLOYER_COMPANY = COMPANIES[0]  # the `employer` persona is its HR manager
# An arbitrator's declared relation (Law art. 33): the chair keeps them off its cases.
RECUSED = ("arbitrator_c", COMPANIES[11])
ARBITRATORS = ["arbitrator", "arbitrator_b", "arbitrator_c", "arbitrator_d", "arbitrator_e",
               "arbitrator_f"]

# The demo `worker` persona's identity, the same in every case they are party to.
WORKER_NAME = ("陈", "志强")
WORKER_PHONE = "13871460528"


def resident_id(region: str, birth: dt.date, serial: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + resident_id_check_char(first17)


WORKER_ID = resident_id("420112", dt.date(1988, 7, 15), 457)


@dataclass
class DemoWorld:
    """What the command built: organizations by key, staff by organization and role."""

    district: District
    streets: list[Street]
    orgs: dict[str, Organization]  # center01..center12, union, peoples, enterprise1..3, ...
    staff: dict[str, dict[str, str]]  # org key -> {"clerk"|"mediator"|"head"|...: username}
    users: dict[str, User]


def center_key(street: int) -> str:
    return f"center{street + 1:02d}"


# ---------------------------------------------------------------------------------------
# People

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余"
            "杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙"
            "陶黎贺顾毛郝龚邵万严覃戴向汤涂喻鲁舒柯")
MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞波俊峰建国志文海东林宇浩凯健亮成龙兵江春松"
FEMALE = "芳娟敏静丽艳娜霞燕玲红萍琴莉婷雪慧梅倩颖洁琳晶蓉欢佳璐秀兰凤"
# Where workers come from: the district, Wuhan, Hubei's counties, neighbouring provinces.
REGIONS = ("420112",) * 5 + ("420116", "420117", "420984", "420902", "421126", "421181",
                             "421087", "422826", "422801", "421303", "420683", "411524",
                             "430626", "511623")
PHONE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
                  "152", "153", "155", "156", "157", "158", "159", "177", "180", "185", "186",
                  "187", "188", "189", "199")
ROADS = ("金山大道", "吴中街", "东吴大道", "革新大道", "银潭路", "马池路", "临空港大道",
         "走马岭路", "慈惠路", "新城十二路", "七雄路", "金银湖路", "张柏路", "田园大道")


class People:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def name(self, male: bool) -> str:
        given = MALE if male else FEMALE
        length = 1 if self.rng.random() < 0.3 else 2
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(given) for _ in range(length))

    def resident_id(self, male: bool) -> str:
        birth = dt.date(1966, 1, 1) + dt.timedelta(days=self.rng.randint(0, 38 * 365))
        serial = self.rng.randint(0, 499) * 2 + (1 if male else 0)  # 17th digit odd: male
        return resident_id(self.rng.choice(REGIONS), birth, serial)

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randint(0, 99_999_999):08d}"

    def address(self) -> str:
        return (f"武汉市东西湖区{self.rng.choice(ROADS)}{self.rng.randint(1, 300)}号"
                f"{self.rng.randint(1, 30)}栋{self.rng.randint(1, 6)}单元{self.rng.randint(101, 2806)}室")

    def worker(self, *, representative: bool = False) -> services.PartyInput:
        male = self.rng.random() < 0.68
        return services.PartyInput(
            side=Party.Side.APPLICANT, kind=Party.Kind.WORKER, name=self.name(male),
            id_type=Party.IdType.RESIDENT_ID, id_number=self.resident_id(male),
            phone=self.phone(), address=self.address(), is_representative=representative,
        )


def demo_worker_party() -> services.PartyInput:
    return services.PartyInput(
        side=Party.Side.APPLICANT, kind=Party.Kind.WORKER, name="".join(WORKER_NAME),
        id_type=Party.IdType.RESIDENT_ID, id_number=WORKER_ID, phone=WORKER_PHONE,
        address="武汉市东西湖区吴中街118号6栋2单元502室",
    )


def employer_party(company: Company, phone: str) -> services.PartyInput:
    return services.PartyInput(
        side=Party.Side.RESPONDENT, kind=Party.Kind.EMPLOYER, name=company.name,
        id_type=Party.IdType.CREDIT_CODE, id_number=company.credit_code, phone=phone,
        address=company.address,
    )


# ---------------------------------------------------------------------------------------
# What a case is about


def money(value: float) -> Decimal:
    return Decimal(round(value)).quantize(Decimal("0.01"))


@dataclass
class Subject:
    dispute_type: str
    facts: str
    claims: list[services.ClaimInput]
    is_collective: bool = False
    is_new_employment_form: bool = False
    is_migrant_wage: bool = False
    knew_days_before: int = 30
    employment_ended: bool = False

    @property
    def total(self) -> Decimal:
        return sum((c.amount or Decimal(0) for c in self.claims), Decimal(0))


def subject_for(rng: random.Random, company: Company, workers: int, year: int) -> Subject:
    """The dispute type, facts and claims, fitting the employer's industry."""
    industry = INDUSTRIES[company.industry]
    job = rng.choice(industry.jobs)
    wage = rng.randrange(*industry.wage, 100)
    months = rng.randint(1, 6)
    years = rng.randint(1, 10)
    start = f"{year - years}年{rng.randint(1, 12)}月"
    claim = services.ClaimInput
    if workers >= 10:
        if industry.migrant:
            total = money(workers * wage * rng.uniform(1.5, 4))
            return Subject(
                DisputeType.WAGES,
                f"申请人{workers}人均为被申请人承建项目的{job}等一线务工人员，被申请人拖欠"
                f"{months}个月工资共计{total:.0f}元，申请人推选代表人参加仲裁活动。",
                [claim("wages", f"支付{workers}名申请人拖欠的工资", total)],
                is_collective=True, is_migrant_wage=True, knew_days_before=rng.randint(20, 90),
            )
        total = money(workers * wage * rng.randint(2, 8))
        return Subject(
            DisputeType.TERMINATION,
            f"被申请人因停产搬迁与申请人{workers}人解除劳动合同，未依法支付经济补偿，"
            f"申请人推选代表人主张经济补偿共计{total:.0f}元。",
            [claim("economic_compensation", f"支付{workers}名申请人解除劳动合同经济补偿", total)],
            is_collective=True, employment_ended=True, knew_days_before=rng.randint(10, 60),
        )
    if industry.platform:
        kind = rng.choice(["labor_relationship", "labor_relationship", "work_injury", "wages"])
        if kind == "work_injury":
            medical = money(rng.uniform(6000, 45000))
            return Subject(
                DisputeType.WORK_INJURY,
                f"申请人自{start}起为被申请人从事{job}工作，接受其排班与考核。配送途中发生"
                f"交通事故受伤，要求确认劳动关系并承担医疗费用{medical:.0f}元。",
                [claim("labor_relationship", "确认申请人与被申请人存在劳动关系"),
                 claim("work_injury_medical", "支付工伤医疗费", medical)],
                is_new_employment_form=True, knew_days_before=rng.randint(30, 200),
            )
        owed = money(wage * rng.uniform(0.5, 2))
        return Subject(
            DisputeType.LABOR_RELATIONSHIP if kind == "labor_relationship" else DisputeType.WAGES,
            f"申请人自{start}起通过平台为被申请人从事{job}工作，被申请人以“合作协议”为由"
            f"否认劳动关系，并扣发{owed:.0f}元配送报酬。",
            [claim("labor_relationship", "确认申请人与被申请人存在劳动关系"),
             claim("wages", "支付被扣发的劳动报酬", owed)],
            is_new_employment_form=True, knew_days_before=rng.randint(10, 120),
        )
    if industry.migrant:
        owed = money(wage * rng.uniform(1, 5))
        return Subject(
            DisputeType.WAGES,
            f"申请人在被申请人承建的项目从事{job}工作，被申请人拖欠{months}个月工资"
            f"{owed:.0f}元，经多次催讨未果。",
            [claim("wages", "支付拖欠的工资", owed)],
            is_migrant_wage=True, knew_days_before=rng.randint(15, 120),
        )
    kind = rng.choices(
        ["wages", "termination", "social_insurance", "work_injury", "working_hours_leave",
         "compensation", "other"], weights=[38, 20, 9, 8, 6, 13, 6])[0]
    if kind == "wages":
        owed = money(min(60000, max(3000, wage * rng.uniform(0.8, 5))))
        claims = [claim("wages", f"支付{months}个月拖欠工资", owed)]
        if rng.random() < 0.35:
            claims.append(claim("overtime_pay", "支付延时加班工资",
                                money(rng.uniform(1000, 15000))))
        return Subject(
            DisputeType.WAGES,
            f"申请人于{start}入职被申请人处任{job}，月工资{wage}元。被申请人拖欠"
            f"{months}个月工资共计{owed:.0f}元。",
            claims, knew_days_before=rng.randint(10, 150),
        )
    if kind in ("termination", "compensation"):
        unlawful = kind == "termination" and rng.random() < 0.6
        amount = money(wage * years * (2 if unlawful else 1))
        item = ("damages", "支付违法解除劳动合同赔偿金") if unlawful else (
            "economic_compensation", "支付解除劳动合同经济补偿")
        claims = [claim(item[0], item[1], amount)]
        if rng.random() < 0.4:
            claims.append(claim("wages", "支付最后一个月工资", money(wage)))
        return Subject(
            DisputeType.TERMINATION if kind == "termination" else DisputeType.COMPENSATION,
            f"申请人于{start}入职被申请人处任{job}，工作{years}年，月工资{wage}元。被申请人"
            f"{'以末位淘汰为由单方解除劳动合同' if unlawful else '经营调整解除劳动合同'}，"
            f"未支付{'赔偿金' if unlawful else '经济补偿'}。",
            claims, employment_ended=True, knew_days_before=rng.randint(5, 90),
        )
    if kind == "social_insurance":
        return Subject(
            DisputeType.SOCIAL_INSURANCE,
            f"申请人在被申请人处任{job}期间，被申请人未依法为其缴纳失业保险，致其离职后"
            f"无法领取失业保险金。",
            [claim("social_insurance", "赔偿未缴纳失业保险造成的失业保险金损失",
                   money(rng.uniform(3000, 20000)))],
            employment_ended=True, knew_days_before=rng.randint(20, 200),
        )
    if kind == "work_injury":
        medical = money(rng.uniform(5000, 80000))
        return Subject(
            DisputeType.WORK_INJURY,
            f"申请人在被申请人处任{job}，工作中受伤并经认定为工伤，被申请人未为其参加"
            f"工伤保险，拒不支付医疗费和停工留薪期工资。",
            [claim("work_injury_medical", "支付工伤医疗费", medical),
             claim("wages", "支付停工留薪期工资", money(wage * rng.randint(2, 6)))],
            knew_days_before=rng.randint(30, 250),
        )
    if kind == "working_hours_leave":
        return Subject(
            DisputeType.WORKING_HOURS_LEAVE,
            f"申请人在被申请人处任{job}{years}年，从未休带薪年休假，被申请人拒绝支付"
            f"未休年休假工资。",
            [claim("working_hours_leave", "支付未休带薪年休假工资",
                   money(wage / 21.75 * rng.randint(5, 15) * 2))],
            employment_ended=True, knew_days_before=rng.randint(10, 120),
        )
    return Subject(
        DisputeType.OTHER,
        f"申请人在被申请人处任{job}，离职时被申请人扣押其工作服押金和职业资格证书不予退还。",
        [claim("other", "退还押金并返还职业资格证书", money(rng.uniform(300, 3000)))],
        employment_ended=True, knew_days_before=rng.randint(5, 60),
    )


FAILURE_REASONS = (
    "双方对补偿金额分歧较大，未能达成一致。",
    "被申请人经通知未到场参加调解。",
    "被申请人否认存在劳动关系，不同意调解。",
    "申请人坚持全额支付，被申请人仅同意支付部分款项。",
    "双方对加班时长的认定分歧较大。",
)
REFUSAL_REASONS = (
    "申请人与被申请人之间为承揽关系，不属于劳动人事争议处理范围。",
    "申请人就同一事项已申请仲裁并已作出裁决，属重复申请。",
    "申请事项为社会保险费征缴，属社会保险经办机构处理的行政事项，不属于仲裁受理范围。",
    "仲裁请求和事实理由不明确，经书面通知补正后逾期仍未补正。",
)
SUSPENSION_NOTES = {
    "awaiting_appraisal": "申请人正在进行劳动能力鉴定，须等待鉴定结论。",
    "awaiting_other_case": "本案须以人民法院正在审理的另案结果为依据。",
    "employer_ended": "被申请人已注销，尚未确定权利义务承继者。",
    "other": "申请人因病住院，暂时无法参加仲裁活动。",
}
HEARING_ROOMS = ("第一仲裁庭", "第二仲裁庭", "第三仲裁庭", "巡回仲裁庭（吴家山街道）")


# ---------------------------------------------------------------------------------------
# Plans


@dataclass(frozen=True)
class UserRef:
    username: str


@dataclass(frozen=True)
class OrgRef:
    key: str


@dataclass(frozen=True)
class ClaimRef:
    index: int  # the case's claims in the order they were made (amendments included)


@dataclass
class Step:
    name: str  # a transition, or "submit"
    actor: str  # username
    day: dt.date  # when it happened: orders all cases' steps
    data: dict[str, Any] = field(default_factory=dict)


# Which way a case goes. Tokens are read by `Planner`; "pre" is replaced by a way to
# arbitration (straight to the commission, or after a mediation that did not settle it).
OPEN_RECIPES: dict[str, list[tuple[float, list[str]]]] = {
    S.SUBMITTED: [(1, [])],
    S.ENTERPRISE_MEDIATION: [(1, ["route:enterprise", "extras"])],
    S.STREET_MEDIATION: [(6, ["route:street", "extras"]), (1, ["route:peoples", "extras"]),
                         (1, ["route:union", "fail", "route:street", "extras"])],
    S.UNION_MEDIATION: [(3, ["route:union", "extras"]),
                        (1, ["route:street", "fail", "route:union", "extras"])],
    S.MEDIATION_SUCCEEDED: [(4, ["route:street", "agree"]), (1, ["route:union", "agree"]),
                            (1, ["route:enterprise", "agree"])],
    S.MEDIATION_FAILED: [(3, ["route:street", "fail"]), (1, ["route:union", "fail"])],
    S.ARBITRATION_REVIEW: [(4, ["pre", "apply"]),
                           (1, ["pre", "apply", "refer", "pre_fail"])],
    S.PRE_ARBITRATION_MEDIATION: [(1, ["pre", "apply", "refer", "extras"])],
    S.ACCEPTED: [(3, ["pre", "apply", "accept", "tribunal"]),
                 (1, ["pre", "apply", "accept", "tribunal", "amend"])],
    S.HEARING_SCHEDULED: [(4, ["pre", "apply", "accept", "tribunal", "hearing"]),
                          (1, ["pre", "apply", "accept", "tribunal", "hearing", "postpone"])],
    S.DELIBERATION: [(4, ["pre", "apply", "accept", "tribunal", "hearing", "conclude"]),
                     (1, ["pre", "apply", "accept", "tribunal", "hearing", "conclude",
                          "partial"])],
    S.SUSPENDED: [(2, ["pre", "apply", "accept", "tribunal", "suspend"]),
                  (1, ["pre", "apply", "accept", "tribunal", "hearing", "suspend"])],
}
CLOSED_RECIPES: list[tuple[int, list[str]]] = [
    (40, ["route:street", "agree", "perform"]),
    (5, ["route:peoples", "agree", "perform"]),
    (6, ["route:union", "agree", "perform"]),
    (6, ["route:enterprise", "agree", "perform"]),
    (3, ["route:street", "fail", "route:union", "agree", "perform"]),
    (4, ["route:street", "withdraw"]),
    (8, ["pre", "apply", "refer", "pre_agree"]),
    (6, ["pre", "apply", "accept", "tribunal", "hearing", "statement"]),
    (4, ["pre", "apply", "accept", "tribunal", "hearing", "conclude", "statement"]),
    (11, ["pre", "apply", "accept", "tribunal", "hearing", "conclude", "award"]),
    (2, ["pre", "apply", "accept", "tribunal", "amend", "hearing", "conclude", "award"]),
    (2, ["pre", "apply", "accept", "tribunal", "hearing", "postpone", "conclude", "award"]),
    (2, ["pre", "apply", "accept", "tribunal", "suspend", "resume", "hearing", "conclude",
         "award"]),
    (2, ["pre", "apply", "accept", "tribunal", "hearing", "conclude", "partial", "award"]),
    (2, ["pre", "apply", "accept", "tribunal", "hearing", "conclude", "extend", "award"]),
    (3, ["pre", "apply", "accept", "tribunal", "withdraw"]),
    (2, ["pre", "apply", "accept", "tribunal", "hearing", "terminate"]),
    (1, ["pre", "apply", "withdraw"]),
]
NOT_ACCEPTED_RECIPES: list[tuple[float, list[str]]] = [(1, ["pre", "apply", "refuse"])]
# How a case reaches the commission: most come straight to it.
PRE_ROUTES: list[tuple[int, list[str]]] = [
    (68, ["direct"]),
    (15, ["route:street", "fail"]),
    (4, ["route:union", "fail"]),
    (5, ["route:street"]),  # the 15-day window ran out (Law art. 14)
    (8, ["route:street", "agree"]),  # the agreement was not performed (Law art. 15)
]
# How recently an open case took its last step, in days: queues should look alive.
OPEN_LAG: dict[str, tuple[int, int]] = {
    S.SUBMITTED: (0, 3), S.ENTERPRISE_MEDIATION: (0, 12), S.STREET_MEDIATION: (0, 22),
    S.UNION_MEDIATION: (0, 14), S.MEDIATION_SUCCEEDED: (0, 10), S.MEDIATION_FAILED: (0, 8),
    S.ARBITRATION_REVIEW: (0, 4), S.PRE_ARBITRATION_MEDIATION: (0, 10),
    S.ACCEPTED: (0, 6), S.HEARING_SCHEDULED: (0, 6), S.DELIBERATION: (0, 12),
    S.SUSPENDED: (5, 45),
}


def pick(rng: random.Random, table: list[tuple[float, list[str]]]) -> list[str]:
    return list(rng.choices([t for _, t in table], weights=[w for w, _ in table])[0])


class Deck:
    """Draws from a weighted table without replacement, reshuffled when empty: the mix of
    a few hundred cases then follows the weights closely (e.g. the 72% mediation success
    the plan targets), whatever the seed."""

    def __init__(self, rng: random.Random, table: list[tuple[int, list[str]]]) -> None:
        self.rng = rng
        self.table = table
        self.cards: list[list[str]] = []

    def draw(self) -> list[str]:
        if not self.cards:
            self.cards = [tokens for weight, tokens in self.table for _ in range(weight)]
            self.rng.shuffle(self.cards)
        return list(self.cards.pop())


@dataclass
class CaseSpec:
    """The choices made for one case; the plan's dates follow from them and `received_on`."""

    index: int
    target: str
    tokens: list[str]
    seed: int
    company: Company
    home: str  # the street center where the case was filed (or "commission")
    enterprise: str | None  # the company's committee, if it has one
    subject: Subject
    parties: list[services.PartyInput]
    persona: str | None = None  # "worker" or "employer": linked to the demo account
    online: bool = False
    simplified: bool = False
    late: bool = False  # decided after its deadline (the indicators should show a few)
    lag: int = 0
    received_on: dt.date = dt.date.min


def workday(day: dt.date) -> dt.date:
    return calendar.next_working_day_on_or_after(day).date


def workday_back(day: dt.date) -> dt.date:
    return calendar.previous_working_day_on_or_before(day).date


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class Planner:
    """Turns a spec's tokens into dated steps by permitted personas (one pass, no writes)."""

    def __init__(self, spec: CaseSpec, world: DemoWorld, today: dt.date,
                 received_on: dt.date) -> None:
        self.spec = spec
        self.world = world
        self.today = today
        self.rng = random.Random(spec.seed)  # noqa: S311 - demo data, reproducible
        self.day = received_on
        self.received_on = received_on
        self.steps: list[Step] = []
        self.status: str = S.SUBMITTED
        self.org = "commission" if spec.home == "commission" else spec.home
        self.mediator: str | None = None
        self.window_ends = dt.date.max
        self.agreement_due = dt.date.max
        self.applied_on = received_on
        self.claim_amounts: list[Decimal | None] = [c.amount for c in spec.subject.claims]
        self.decided: set[int] = set()
        self.tribunal: list[str] = []
        self.hearing: dt.date | None = None
        self.award_start = received_on
        self.pauses: list[clocks.Pause] = []
        self.extension = 0
        self.suspended_from = ""

    # -- helpers ---------------------------------------------------------------------------

    def later(self, low: int, high: int, *, not_before: dt.date | None = None) -> dt.date:
        day = self.day + dt.timedelta(days=self.rng.randint(low, high))
        if not_before is not None and day < not_before:
            day = not_before
        self.day = workday(day)
        return self.day

    def add(self, name: str, actor: str, **data: Any) -> None:
        self.steps.append(Step(name, actor, self.day, data))

    def staff(self, org: str, role: str) -> str:
        roles = self.world.staff[org]
        return roles.get(role) or roles["head"]

    @property
    def presiding(self) -> str:
        return self.tribunal[0]

    def applicant(self, fallback: str) -> str:
        """The worker persona acts for themself; other applicants go through the staff."""
        return "worker" if self.spec.persona == "worker" else fallback

    def amount_agreed(self) -> Decimal:
        total = self.spec.subject.total
        if not total:
            return money(self.rng.uniform(3000, 12000))
        return money(float(total) * self.rng.uniform(0.55, 0.95))

    def award_deadline(self) -> dt.date:
        return clocks.read_clock("award", self.award_start, today=self.day,
                                 pauses=self.pauses, extension_days=self.extension).due_on

    # -- the plan --------------------------------------------------------------------------

    def plan(self) -> list[Step]:
        spec = self.spec
        if spec.online:
            self.add("submit", "worker")
        else:
            self.add("submit", self.staff(self.org, "clerk"))
        for token in spec.tokens:
            name, _, arg = token.partition(":")
            getattr(self, f"do_{name}")(arg) if arg else getattr(self, f"do_{name}")()
        return self.steps

    def do_direct(self) -> None:
        pass  # filed at the commission: "apply" follows on the same day

    def do_route(self, tier: str) -> None:
        org = {"street": self.spec.home, "peoples": "peoples", "union": "union",
               "enterprise": self.spec.enterprise or "peoples"}[tier]
        router = self.staff(self.org, "clerk")
        day = self.later(0, 2) if self.status == S.SUBMITTED else self.later(1, 5)
        name = {"street": "route_to_street", "peoples": "route_to_street",
                "union": "route_to_union", "enterprise": "route_to_enterprise"}[tier]
        self.add(name, router, organization=OrgRef(org), received_on=day)
        self.org = org
        self.mediator = None
        self.window_ends = clocks.due_date("mediation_window", day).date
        self.status = {"route_to_street": S.STREET_MEDIATION, "route_to_union": S.UNION_MEDIATION,
                       "route_to_enterprise": S.ENTERPRISE_MEDIATION}[name]

    def mediator_of(self) -> str:
        return self.mediator or self.staff(self.org, "mediator")

    def do_agree(self) -> None:
        signed = self.later(2, 13)
        due = signed + dt.timedelta(days=self.rng.choice([7, 10, 15, 20, 30]))
        amount = self.amount_agreed()
        self.add("record_agreement", self.mediator_of(), signed_on=signed, performance_due=due,
                 total_amount=str(amount),
                 terms=f"被申请人于{due:%Y年%m月%d日}前一次性支付申请人{amount:.0f}元，"
                       "双方劳动争议就此了结。")
        self.agreement_due = due
        self.status = S.MEDIATION_SUCCEEDED

    def do_fail(self) -> None:
        ended = self.later(3, 14)
        self.add("record_failure", self.mediator_of(), ended_on=ended,
                 reason=self.rng.choice(FAILURE_REASONS))
        self.status = S.MEDIATION_FAILED

    def do_perform(self) -> None:
        days = max(1, (self.agreement_due - self.day).days)
        performed = self.later(1, days if self.rng.random() < 0.9 else days + 10)
        self.add("confirm_performance", self.applicant(self.mediator_of()),
                 performed_on=performed)
        self.status = S.CLOSED

    def do_extras(self) -> None:
        """An open mediation: the head assigns a mediator, who books a session. These
        services date their events today, so only cases still open get them."""
        if self.status == S.PRE_ARBITRATION_MEDIATION:
            mediator = self.mediator_of()
        else:
            mediator = self.staff(self.org, "mediator")
            self.add("assign_mediator", self.staff(self.org, "head"), mediator=UserRef(mediator))
            self.mediator = mediator
        session = workday(self.today + dt.timedelta(days=self.rng.randint(-3, 8)))
        session = max(session, self.day)
        place = self.world.orgs[self.org]
        self.add("schedule_mediation_session", mediator,
                 scheduled_for=at(session, *self.rng.choice([(9, 30), (14, 30)])),
                 location=f"{place.short_name or place.name}调解室")

    def do_apply(self) -> None:
        if self.status == S.SUBMITTED:
            actor = self.staff("commission", "clerk")
            day = self.day
        elif self.status in MEDIATING:
            # Law art. 14: only once the 15-day window has run out without agreement.
            day = self.later(1, 8, not_before=self.window_ends + dt.timedelta(days=1))
            actor = self.applicant(self.staff(self.org, "clerk"))
        elif self.status == S.MEDIATION_SUCCEEDED:
            # Law art. 15: the employer did not perform the agreement.
            day = self.later(1, 10, not_before=self.agreement_due + dt.timedelta(days=1))
            actor = self.applicant(self.staff(self.org, "clerk"))
        else:
            day = self.later(1, 10)
            actor = self.applicant(self.staff(self.org, "clerk"))
        self.add("apply_for_arbitration", actor, applied_on=day)
        self.applied_on = day
        self.org = "commission"
        self.mediator = None
        self.status = S.ARBITRATION_REVIEW

    def decision_day(self) -> dt.date:
        """Within the 5 working days of Law art. 29 (a few decided late)."""
        due = clocks.due_date("acceptance_decision", self.applied_on).date
        if self.spec.late and self.rng.random() < 0.5:
            return self.later(1, 3, not_before=due + dt.timedelta(days=1))
        before = self.day
        day = self.later(0, 4)
        if day > due:
            self.day = day = max(before, workday_back(due))
        return day

    def do_refer(self) -> None:
        day = self.later(0, 2)
        mediator = self.rng.choice(["commission_mediator", "commission_mediator",
                                    *ARBITRATORS[3:]])
        self.add("refer_to_pre_arbitration_mediation", "filing_officer", referred_on=day,
                 mediator=UserRef(mediator))
        self.mediator = mediator
        self.status = S.PRE_ARBITRATION_MEDIATION

    def do_pre_agree(self) -> None:
        signed = self.later(2, 10)
        amount = self.amount_agreed()
        self.add("record_pre_arbitration_agreement", self.mediator_of(), signed_on=signed,
                 total_amount=str(amount),
                 terms=f"被申请人当场支付申请人{amount:.0f}元，申请人撤回仲裁申请。")
        self.status = S.CLOSED

    def do_pre_fail(self) -> None:
        ended = self.later(2, 10)
        self.add("end_pre_arbitration_mediation", self.mediator_of(), ended_on=ended,
                 reason=self.rng.choice(FAILURE_REASONS))
        self.mediator = None
        self.status = S.ARBITRATION_REVIEW

    def do_accept(self) -> None:
        day = self.decision_day()
        findings: dict[str, bool] = {}
        if self.spec.simplified:
            # Rules art. 56: the filing officer finds the facts clear (one ground suffices).
            findings = {"facts_clear": True, "parties_agree": self.rng.random() < 0.5}
        procedure = Procedure.SIMPLIFIED if self.spec.simplified else Procedure.ORDINARY
        self.add("accept", "filing_officer", accepted_on=day, procedure=procedure, **findings)
        self.award_start = day
        self.status = S.ACCEPTED
        # Law art. 30: the copy goes to the respondent within 5 working days.
        self.add("serve_application", "filing_officer", served_on=self.later(0, 3))

    def do_refuse(self) -> None:
        day = self.decision_day()
        self.add("refuse", "filing_officer", decided_on=day,
                 reason=self.rng.choice(REFUSAL_REASONS))
        self.status = S.NOT_ACCEPTED

    def do_tribunal(self) -> None:
        pool = list(ARBITRATORS)
        if self.spec.company == RECUSED[1]:
            pool.remove(RECUSED[0])  # Law art. 33: the declared relation keeps them off
        self.rng.shuffle(pool)
        if "arbitrator" in pool and self.rng.random() < 0.45:
            pool.remove("arbitrator")
            pool.insert(0, "arbitrator")  # the persona presides over many cases
        self.tribunal = pool[:1] if self.spec.simplified else pool[:3]
        formed_on = self.later(0, 2)
        self.add("form_tribunal", "chair", arbitrators=[UserRef(u) for u in self.tribunal],
                 presiding=UserRef(self.presiding), formed_on=formed_on)
        if self.rng.random() < 0.8:  # Law art. 30: some respondents never answer
            self.add("record_defence", "filing_officer", received_on=self.later(2, 9))

    def schedule(self, name: str, **extra: Any) -> None:
        served = self.later(0, 4) if name == "postpone_hearing" else self.later(1, 5)
        earliest = clocks.earliest_hearing_date(served).date
        hearing = workday(earliest + dt.timedelta(days=self.rng.randint(0, 9)))
        self.hearing = hearing
        self.add(name, self.presiding, notice_served_on=served,
                 scheduled_for=at(hearing, *self.rng.choice([(9, 0), (9, 30), (14, 30)])),
                 location=self.rng.choice(HEARING_ROOMS), **extra)

    def do_hearing(self) -> None:
        self.schedule("schedule_hearing")
        self.status = S.HEARING_SCHEDULED

    def do_postpone(self) -> None:
        assert self.hearing is not None
        latest = clocks.latest_postponement_request(self.hearing).date  # Law art. 35
        days = [self.day + dt.timedelta(days=n) for n in range((latest - self.day).days + 1)]
        workdays = [d for d in days if calendar.is_working_day(d).working] or [self.day]
        self.day = requested = self.rng.choice(workdays)
        self.schedule("postpone_hearing", requested_on=requested,
                      reason=self.rng.choice(["申请人因病住院，提交了医院证明。",
                                              "被申请人新委托代理人，申请准备时间。",
                                              "申请人申请调取新证据。"]))

    def do_conclude(self) -> None:
        assert self.hearing is not None
        self.day = self.hearing
        self.add("conclude_hearing", self.presiding, held_on=self.hearing)
        self.status = S.DELIBERATION

    def do_amend(self) -> None:
        day = self.later(1, 6)
        amount = money(self.rng.uniform(1500, 12000))
        self.add("amend_claims", self.tribunal[0] if self.tribunal else "filing_officer",
                 amended_on=day,
                 claims=[{"item_type": "overtime_pay", "description": "增加请求：支付延时加班工资",
                          "amount": str(amount)}])
        self.claim_amounts.append(amount)
        self.award_start = day  # Rules art. 46: added claims restart the award clock

    def award_items(self, only: list[int], result: str) -> list[dict[str, Any]]:
        items = []
        for index in only:
            amount = self.claim_amounts[index]
            if result == "employer_won":
                items.append({"claim": ClaimRef(index), "decision": "dismissed",
                              "granted_amount": None})
            elif result == "worker_won" or index == only[0]:
                items.append({"claim": ClaimRef(index), "decision": "granted",
                              "granted_amount": str(amount) if amount is not None else None})
            else:
                part = money(float(amount) * self.rng.uniform(0.3, 0.8)) if amount else None
                items.append({"claim": ClaimRef(index), "decision": "partly_granted",
                              "granted_amount": str(part) if part is not None else None})
        return items

    def do_partial(self) -> None:
        # Rules art. 51: part of the facts are clear; the first claim is decided first.
        day = self.later(0, 3)
        self.add("issue_partial_award", self.presiding, issued_on=day,
                 reasoning="部分事实已经清楚，先行裁决。", result="worker_won",
                 items=self.award_items([0], "worker_won"))
        self.decided.add(0)

    def do_award(self) -> None:
        deadline = self.award_deadline()
        if self.spec.late:
            day = self.later(1, 4, not_before=deadline + dt.timedelta(days=1))
        else:
            day = self.later(3, 14)
            if day > deadline:
                self.day = day = max(workday_back(deadline), self.steps[-1].day)
        result = self.rng.choices(["worker_won", "partly", "employer_won"], [35, 45, 20])[0]
        undecided = [i for i in range(len(self.claim_amounts)) if i not in self.decided]
        if len(undecided) == 1 and result == "partly":
            result = "worker_won"
        self.add("issue_award", self.presiding, issued_on=day, result=result,
                 reasoning="经审理查明，申请人与被申请人之间存在劳动关系，本庭依据查明的事实"
                           "逐项作出裁决。", items=self.award_items(undecided, result))
        self.status = S.CLOSED

    def do_statement(self) -> None:
        day = self.hearing if self.status == S.HEARING_SCHEDULED else None
        if day is not None and day >= self.day:
            self.day = day  # mediated at the hearing (Law art. 42)
        else:
            self.later(0, 6)
        amount = self.amount_agreed()
        self.add("issue_mediation_statement", self.presiding, signed_on=self.day,
                 total_amount=str(amount),
                 terms=f"被申请人于调解书生效之日起十日内支付申请人{amount:.0f}元。")
        self.status = S.CLOSED

    def do_extend(self) -> None:
        deadline = self.award_deadline()
        self.day = max(self.day, workday_back(deadline - dt.timedelta(days=self.rng.randint(1, 6))))
        days = self.rng.choice([10, 15])
        self.add("extend_award_deadline", "chair", days=days, approved_on=self.day,
                 reason="案情复杂，需进一步调查核实加班事实，经仲裁委主任书面批准延长审限。")
        self.extension = days
        # Take the extension: the award comes after the original deadline.
        self.day = max(self.day, deadline)

    def do_suspend(self) -> None:
        day = self.later(2, 10)
        reason = ("awaiting_appraisal" if self.spec.subject.dispute_type == DisputeType.WORK_INJURY
                  else self.rng.choice(["awaiting_other_case", "employer_ended", "other"]))
        self.add("suspend", "chair", started_on=day, reason=reason, note=SUSPENSION_NOTES[reason])
        self.suspended_from = self.status
        self.status = S.SUSPENDED

    def do_resume(self) -> None:
        started = self.day
        day = self.later(10, 35)
        self.add("resume", "chair", resumed_on=day)
        self.pauses.append(clocks.Pause(started, day))  # Rules art. 47: the clock stopped
        self.status = self.suspended_from

    def do_withdraw(self) -> None:
        day = self.later(1, 10)
        if self.status in MEDIATING or self.status in (S.SUBMITTED, S.MEDIATION_FAILED):
            actor = self.applicant(self.staff(self.org, "clerk"))
        else:
            actor = self.applicant("filing_officer")
        self.add("withdraw", actor, closed_on=day,
                 reason=self.rng.choice(["双方已自行和解，申请人撤回申请。",
                                         "被申请人已支付拖欠工资，申请人撤回申请。",
                                         "申请人另行向人民法院起诉，撤回申请。"]))
        self.status = S.CLOSED

    def do_terminate(self) -> None:
        assert self.hearing is not None
        self.day = max(self.day, self.hearing)
        self.add("terminate", "chair", closed_on=self.day,
                 reason="申请人经书面通知无正当理由拒不到庭，按撤回仲裁申请处理（劳动争议调解"
                        "仲裁法第三十六条）。")
        self.status = S.CLOSED


def last_day(steps: list[Step]) -> dt.date:
    return max(s.day for s in steps)


def fitted_plan(spec: CaseSpec, world: DemoWorld, today: dt.date) -> list[Step]:
    """Plan the case, moving its receipt date until every step is in the past and, for an
    open case, its last step is about `spec.lag` days ago."""
    received = spec.received_on
    steps: list[Step] = []
    goal = today - dt.timedelta(days=spec.lag)
    is_open = spec.target in OPEN_RECIPES
    for attempt in range(30):
        steps = Planner(spec, world, today, received).plan()
        last = last_day(steps)
        # Working days shift a plan unevenly: widen the tolerance as the attempts go on.
        if last <= today and (not is_open or abs((goal - last).days) <= 3 + attempt):
            break
        shift = (goal - last).days if is_open else (today - last).days
        if last > today:
            shift = min(shift, -1)
        received = workday_back(received + dt.timedelta(days=shift))
    if last_day(steps) > today:
        raise RuntimeError(f"demo case {spec.index} does not fit before {today}")
    spec.received_on = received
    return steps


# ---------------------------------------------------------------------------------------
# Choosing the cases

STATE_WEIGHTS: dict[str, float] = {
    S.SUBMITTED: 3, S.ENTERPRISE_MEDIATION: 2.5, S.STREET_MEDIATION: 7, S.UNION_MEDIATION: 2.5,
    S.MEDIATION_SUCCEEDED: 4, S.MEDIATION_FAILED: 2.5, S.ARBITRATION_REVIEW: 3,
    S.PRE_ARBITRATION_MEDIATION: 2.5, S.NOT_ACCEPTED: 3, S.ACCEPTED: 3,
    S.HEARING_SCHEDULED: 4, S.DELIBERATION: 2.5, S.SUSPENDED: 2,
}
# The personas' cases: (target, tokens or None for any recipe), in order of preference.
WORKER_CASES: list[tuple[str, list[str] | None]] = [
    (S.CLOSED, ["route:street", "agree", "perform"]),
    (S.SUBMITTED, None),  # filed online today
    (S.STREET_MEDIATION, ["route:street", "extras"]),
    (S.HEARING_SCHEDULED, ["route:street", "fail", "apply", "accept", "tribunal", "hearing"]),
    (S.MEDIATION_SUCCEEDED, ["route:street", "agree"]),
    (S.CLOSED, ["route:street", "fail", "apply", "accept", "tribunal", "hearing", "conclude",
                "award"]),
    (S.ARBITRATION_REVIEW, ["route:street", "agree", "apply"]),
    (S.DELIBERATION, None),
    (S.CLOSED, ["direct", "apply", "refer", "pre_agree"]),
    (S.MEDIATION_FAILED, ["route:street", "fail"]),
    (S.ACCEPTED, None),
    (S.CLOSED, ["route:street", "withdraw"]),
]
EMPLOYER_CASES: list[tuple[str, list[str] | None]] = [
    (S.ENTERPRISE_MEDIATION, ["route:enterprise", "extras"]),
    (S.CLOSED, ["route:enterprise", "agree", "perform"]),
    (S.HEARING_SCHEDULED, None),
    (S.STREET_MEDIATION, ["route:street", "extras"]),
    (S.CLOSED, ["route:enterprise", "fail", "apply", "accept", "tribunal", "hearing",
                "conclude", "award"]),
    (S.MEDIATION_SUCCEEDED, ["route:enterprise", "agree"]),
    (S.ARBITRATION_REVIEW, None),
    (S.CLOSED, None),
]


def allocate(n: int) -> dict[str, int]:
    """Cases per target state: every state gets some, the rest are closed. Fewer cases
    than states: one each, closed first, as far as they go."""
    if n <= len(STATE_WEIGHTS):
        states = [S.CLOSED, *sorted(STATE_WEIGHTS, key=lambda s: -STATE_WEIGHTS[s])]
        return {state: int(i < n) for i, state in enumerate(states)}
    counts = {state: max(1, round(n * w / 100)) for state, w in STATE_WEIGHTS.items()}
    counts[S.CLOSED] = max(1, n - sum(counts.values()))
    return counts


class CaseChooser:
    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.people = People(rng)
        self.year_start = dt.date(today.year, 1, 5)
        self.closed = Deck(rng, CLOSED_RECIPES)
        self.to_arbitration = Deck(rng, PRE_ROUTES)

    def home_street(self) -> int:
        """The first center (吴家山, the district seat) takes the largest share."""
        weights = [26, 10, 8, 8, 9, 7, 4, 5, 6, 4, 8, 7]
        return self.rng.choices(range(len(STREETS)), weights=weights)[0]

    def company_in(self, street: int, *, platform_ok: bool = True) -> Company:
        here = [c for c in COMPANIES if c.street == street]
        if not here or self.rng.random() < 0.25:
            here = COMPANIES
        if not platform_ok:
            here = [c for c in here if not INDUSTRIES[c.industry].platform] or COMPANIES[:1]
        return self.rng.choice(here)

    def spec(self, index: int, target: str, tokens: list[str] | None,
             persona: str | None) -> CaseSpec:
        rng = self.rng
        if tokens is None:
            if target == S.CLOSED:
                tokens = self.closed.draw()
            elif target == S.NOT_ACCEPTED:
                tokens = pick(rng, NOT_ACCEPTED_RECIPES)
            else:
                tokens = pick(rng, OPEN_RECIPES[target])
        if tokens and tokens[0] == "pre":
            tokens = self.to_arbitration.draw() + tokens[1:]
        if persona == "worker" and tokens and tokens[0] == "direct" and target != S.CLOSED:
            tokens = ["route:street", "fail", *tokens[1:]]
        enterprise_case = any(t == "route:enterprise" for t in tokens)
        if persona == "employer" or (enterprise_case and persona != "worker"):
            company = (EMPLOYER_COMPANY if persona == "employer"
                       else rng.choice(ENTERPRISE_COMPANIES))
            street = company.street
        else:
            street = 0 if persona == "worker" else self.home_street()
            company = self.company_in(street)
        if persona == "worker" and enterprise_case:
            tokens = ["route:street" if t == "route:enterprise" else t for t in tokens]
        collective = (persona is None and not enterprise_case and target != S.NOT_ACCEPTED
                      and rng.random() < 0.06)
        if collective and (INDUSTRIES[company.industry].platform or rng.random() < 0.6):
            # Collective disputes here are mostly building workers' unpaid wages.
            company = rng.choice([c for c in COMPANIES if INDUSTRIES[c.industry].migrant])
            street = company.street
        enterprise = (f"enterprise{ENTERPRISE_COMPANIES.index(company) + 1}"
                      if company in ENTERPRISE_COMPANIES else None)
        home = "commission" if tokens and tokens[0] == "direct" else center_key(street)
        workers = rng.randint(10, 28) if collective else 1  # Rules art. 62: ten or more
        subject = subject_for(rng, company, workers, self.today.year)
        if collective:
            applicants = [self.people.worker(representative=i < 3) for i in range(workers)]
        elif persona == "worker":
            applicants = [demo_worker_party()]
        else:
            applicants = [self.people.worker()]
        parties = [*applicants, employer_party(company, f"027-8{rng.randint(0, 9_999_999):07d}")]
        needs_two_claims = "partial" in tokens and len(subject.claims) < 2
        if needs_two_claims:
            subject.claims.append(services.ClaimInput(
                "overtime_pay", "支付延时加班工资", money(rng.uniform(2000, 9000))))
        total = subject.total
        simplified = (not subject.is_collective and "accept" in tokens
                      and total <= Decimal("60000") and rng.random() < 0.3)
        late = target in (S.CLOSED, S.NOT_ACCEPTED) and rng.random() < 0.03
        online = persona == "worker" and target == S.SUBMITTED
        spec = CaseSpec(
            index=index, target=target, tokens=tokens, seed=rng.getrandbits(32), company=company,
            home=home, enterprise=enterprise, subject=subject, parties=parties, persona=persona,
            online=online, simplified=simplified, late=late,
        )
        if target in OPEN_LAG:
            low, high = OPEN_LAG[target]
            spec.lag = rng.randint(low, high)
            spec.received_on = self.today - dt.timedelta(days=spec.lag + 10)
        else:
            latest = self.today - dt.timedelta(days=25)
            span = max(0, (latest - self.year_start).days)
            spec.received_on = self.year_start + dt.timedelta(days=rng.randint(0, span))
        spec.received_on = workday_back(spec.received_on)
        if online:
            spec.received_on, spec.lag = self.today, 0
        return spec

    def choose(self, n: int) -> list[CaseSpec]:
        counts = allocate(n)
        wanted: list[tuple[str, list[str] | None, str | None]] = []
        for persona, table, share in (("worker", WORKER_CASES, 25), ("employer", EMPLOYER_CASES, 40)):
            how_many = max(3 if persona == "employer" else 4, n // share)
            for target, tokens in table[:how_many]:
                if counts[target] > 0:
                    counts[target] -= 1
                    wanted.append((target, tokens, persona))
        for target, count in counts.items():
            wanted.extend((target, None, None) for _ in range(count))
        return [self.spec(i, target, tokens, persona)
                for i, (target, tokens, persona) in enumerate(wanted)]


# ---------------------------------------------------------------------------------------
# Running the plans


def application_for(spec: CaseSpec, world: DemoWorld) -> services.Application:
    subject = spec.subject
    knew = spec.received_on - dt.timedelta(days=subject.knew_days_before)
    requested = world.orgs[spec.home] if spec.home != "commission" else None
    return services.Application(
        district=world.district,
        street=world.streets[spec.company.street],
        requested_organization=requested,
        dispute_type=subject.dispute_type,
        facts=subject.facts,
        parties=spec.parties,
        claims=subject.claims,
        received_on=spec.received_on,
        is_collective=subject.is_collective,
        is_new_employment_form=subject.is_new_employment_form,
        is_migrant_wage=subject.is_migrant_wage,
        knew_on=knew,
        employment_ended_on=knew if subject.employment_ended else None,
    )


class Runner:
    """Runs every case's steps in date order through the services."""

    def __init__(self, world: DemoWorld) -> None:
        self.world = world
        self.disputes: dict[int, Dispute] = {}
        self.claims: dict[int, list[int]] = {}

    def resolve(self, value: Any, case: int) -> Any:
        if isinstance(value, UserRef):
            return self.world.users[value.username].pk
        if isinstance(value, OrgRef):
            return self.world.orgs[value.key].pk
        if isinstance(value, ClaimRef):
            if case not in self.claims or value.index >= len(self.claims[case]):
                self.claims[case] = list(
                    self.disputes[case].claims.order_by("pk").values_list("pk", flat=True))
            return self.claims[case][value.index]
        if isinstance(value, list):
            return [self.resolve(v, case) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v, case) for k, v in value.items()}
        return value

    def submit(self, spec: CaseSpec, actor: User) -> Dispute:
        channel = Channel.ONLINE if spec.online else Channel.COUNTER
        result = services.dispute_submit(actor=actor, application=application_for(spec, self.world),
                                         channel=channel)
        dispute = result.dispute
        # The demo accounts follow their own cases (online filing links the applicant itself).
        if spec.persona == "worker" and not spec.online:
            Party.objects.filter(dispute=dispute, id_number=WORKER_ID).update(
                user=self.world.users["worker"])
        if spec.persona == "employer":
            Party.objects.filter(dispute=dispute, side=Party.Side.RESPONDENT).update(
                user=self.world.users["employer"])
        return dispute

    def run(self, plans: dict[int, tuple[CaseSpec, list[Step]]],
            progress: Callable[[int], None] | None = None) -> None:
        order = sorted(
            ((step.day, case, n, step) for case, (_, steps) in plans.items()
             for n, step in enumerate(steps)),
            key=lambda row: (row[0], row[1], row[2]),
        )
        for done, (_, case, _, step) in enumerate(order, start=1):
            spec = plans[case][0]
            actor = self.world.users[step.actor]
            try:
                if step.name == "submit":
                    self.disputes[case] = self.submit(spec, actor)
                else:
                    self.disputes[case] = services.dispute_transition(
                        dispute=self.disputes[case], actor=actor, name=step.name,
                        data=self.resolve(step.data, case))
            except Exception as exc:
                raise RuntimeError(
                    f"demo case {case} ({spec.target}, {' '.join(spec.tokens)}): "
                    f"{step.name} by {step.actor} on {step.day} failed: {exc!r}"
                ) from exc
            if progress is not None and done % 500 == 0:
                progress(done)


def build_cases(world: DemoWorld, *, count: int, seed: int, today: dt.date) -> list[Dispute]:
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    specs = CaseChooser(rng, today).choose(count)
    plans = {spec.index: (spec, fitted_plan(spec, world, today)) for spec in specs}
    runner = Runner(world)
    runner.run(plans)
    return list(runner.disputes.values())
