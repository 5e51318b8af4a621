"""Invented people: names, identity numbers, phones, addresses."""

from __future__ import annotations

import datetime as dt
import random

from disputes import services
from disputes.demo.world import WORKER_ID, WORKER_NAME, WORKER_PHONE, Company, resident_id
from disputes.models import Party

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
