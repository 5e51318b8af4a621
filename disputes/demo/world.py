"""Who and where: the district's streets, industries, invented companies, the personas."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.contrib.auth.models import User

from disputes.identifiers import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_char,
    resident_id_check_char,
)
from disputes.models import Status
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
