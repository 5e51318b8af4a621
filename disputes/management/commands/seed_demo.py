"""Seed the demo district (东西湖区): streets, mediation organizations, staff, demo accounts
and a few hundred cases driven through the real services (`disputes/demo/`).

Part of the product's start command (`scripts/run`), so it runs once and quickly: when the
district already exists it says so and does nothing.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from disputes import demo
from disputes.models import Dispute, MediationAttempt, Status
from mediation.models import DeclaredRelation, District, Membership, Organization, Role, Street
from satisfaction.demo import rate_closed_cases
from satisfaction.models import SatisfactionRating

DISTRICT_CODE = "420112"
DEFAULT_SEED = 20260101
K = Organization.Kind

# Fixed personas (README "Demo accounts"): username -> (last name, first name).
PERSONA_NAMES: dict[str, tuple[str, str]] = {
    "worker": demo.WORKER_NAME,
    "employer": ("刘", "海涛"),
    "clerk": ("周", "晓燕"),
    "mediator": ("胡", "文斌"),
    "head": ("熊", "国华"),
    "mediator2": ("万", "丽萍"),
    "union_mediator": ("程", "建军"),
    "filing_officer": ("喻", "晓明"),
    "arbitrator": ("余", "立新"),
    "arbitrator_b": ("夏", "敏"),
    "arbitrator_c": ("涂", "海波"),
    "arbitrator_d": ("鲁", "静"),
    "arbitrator_e": ("彭", "志刚"),
    "arbitrator_f": ("汪", "红梅"),
    "chair": ("黄", "振华"),
    "supervisor": ("吴", "卫东"),
    "admin": ("系统", "管理员"),
}
PERSONAS = ["worker", "employer", "clerk", "mediator", "head", "mediator2", "union_mediator",
            "filing_officer", *demo.ARBITRATORS, "chair", "supervisor", "admin"]


class Command(BaseCommand):
    help = "生成东西湖区演示数据（仅限 DEBUG）(seed the demo district; DEBUG only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=300, help="how many cases (default 300)")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=f"random seed, for reproducible data (default {DEFAULT_SEED})")
        parser.add_argument("--force", action="store_true",
                            help="seed even when DEBUG is off (never on a live system)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG 已关闭：演示数据只用于开发和演示环境，如确需生成请加 --force。"
                " (DEBUG is off: demo data is for development and demos only; pass --force"
                " to seed anyway.)"
            )
        if options["cases"] < 0:
            raise CommandError("--cases 不能为负数 (--cases must not be negative).")
        if District.objects.filter(code=DISTRICT_CODE).exists():
            self.stdout.write(f"演示数据已存在（行政区 {DISTRICT_CODE}），未做改动。"
                              f" (Demo data is already present: district {DISTRICT_CODE}.)")
            return
        started = time.monotonic()
        today = timezone.localdate()
        with transaction.atomic():
            world = build_world(random.Random(options["seed"]))
            disputes = demo.build_cases(world, count=options["cases"], seed=options["seed"],
                                        today=today)
            rate_closed_cases(disputes, random.Random(options["seed"] + 1))
        self.report(world, disputes, time.monotonic() - started)

    def report(self, world: demo.DemoWorld, disputes: list[Dispute], seconds: float) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS(
            f"已生成东西湖区演示数据：{len(disputes)} 件案件，用时 {seconds:.1f} 秒。"
            f" (Seeded {len(disputes)} demo cases in {seconds:.1f} s.)"))
        by_state = Counter(
            Dispute.objects.filter(district=world.district).values_list("status", flat=True))
        out.write("案件状态 · cases by state:")
        for state in Status:
            out.write(f"  {by_state.get(state.value, 0):>4}  {state.value:<26} {state.label}")
        results = Counter(MediationAttempt.objects.filter(dispute__district=world.district)
                          .values_list("result", flat=True))
        agreed = results.get(MediationAttempt.Result.AGREEMENT, 0)
        concluded = agreed + results.get(MediationAttempt.Result.FAILURE, 0)
        if concluded:
            out.write(f"调解成功率 · mediation success: {agreed}/{concluded}"
                      f" = {Decimal(agreed * 100) / concluded:.1f}%")
        ratings = SatisfactionRating.objects.filter(dispute__district=world.district)
        if ratings.exists():
            satisfied = ratings.filter(score__gte=3).count()
            out.write(f"满意度评价 · ratings: {ratings.count()}, 3-5 分 {satisfied}")
        out.write(f"演示账号（密码 settings.DEMO_PASSWORD）· demo accounts (password"
                  f" settings.DEMO_PASSWORD): {', '.join(PERSONAS)};")
        out.write("  其他街道调解中心 · other centers: center03_clerk/_mediator/_head …"
                  " center12_*; union_clerk, union_head, peoples_*, enterprise1-3_*,"
                  " commission_clerk, commission_mediator")


def build_world(rng: random.Random) -> demo.DemoWorld:
    district = District.objects.create(code=DISTRICT_CODE, name="东西湖区", city="武汉市",
                                       province="湖北省", wage_region_code="420100")
    streets = [
        Street.objects.create(district=district, code=f"{DISTRICT_CODE}{i + 1:03d}", name=s.name,
                              latitude=Decimal(s.latitude), longitude=Decimal(s.longitude))
        for i, s in enumerate(demo.STREETS)
    ]
    orgs: dict[str, Organization] = {}

    def org(key: str, kind: str, name: str, *, short: str = "", address: str = "",
            phone: str = "", at: tuple[Decimal, Decimal] | None = None,
            serves: list[Street] | None = None, **extra: Any) -> None:
        o = Organization.objects.create(
            kind=kind, name=name, short_name=short, district=district, address=address,
            phone=phone, latitude=at[0] if at else None, longitude=at[1] if at else None,
            **extra,
        )
        o.streets.set(serves if serves is not None else streets)
        orgs[key] = o

    seat = (Decimal("30.640200"), Decimal("114.132200"))  # the district's civic center
    for i, (info, street) in enumerate(zip(demo.STREETS, streets, strict=True)):
        # A short walk from the street's office: the half-hour service circle.
        near = (street.latitude + Decimal("0.0011"), street.longitude - Decimal("0.0009"))
        org(demo.center_key(i), K.STREET_CENTER, f"{info.name}劳动争议调解中心",
            short=f"{info.name[:-2]}调解中心", address=f"武汉市东西湖区{info.name}{info.road}"
            f"{18 + 7 * i}号（街道综治中心一楼）", phone=f"027-8389{1101 + i * 13:04d}", at=near,
            serves=[street])
    org("union", K.UNION_STUDIO, "“人社+工会”劳动争议裁调对接工作室", short="裁调对接工作室",
        address="武汉市东西湖区吴家山街道吴中街特1号（区总工会一楼）", phone="027-83892211",
        at=(Decimal("30.641500"), Decimal("114.135000")))
    org("peoples", K.PEOPLES_COMMITTEE, "东西湖区劳动争议人民调解委员会", short="人民调解委员会",
        address="武汉市东西湖区吴家山街道东吴大道99号（区公共法律服务中心）",
        phone="027-83893366", at=(Decimal("30.638900"), Decimal("114.141000")))
    for i, company in enumerate(demo.ENTERPRISE_COMPANIES, start=1):
        brand = company.name.removeprefix("武汉").removesuffix("有限公司")
        org(f"enterprise{i}", K.ENTERPRISE_COMMITTEE, f"{company.name}劳动争议调解委员会",
            short=f"{brand}调委会", address=company.address,
            phone=f"027-8356{2200 + i:04d}", serves=[streets[company.street]],
            enterprise_name=company.name, enterprise_credit_code=company.credit_code)
    org("commission", K.ARBITRATION_COMMISSION, "东西湖区劳动人事争议仲裁委员会",
        short="区仲裁委", address="武汉市东西湖区吴家山街道吴中街特1号（区政务服务中心三楼）",
        phone="027-83892345", at=seat, case_number_prefix="东劳人仲案字")
    org("bureau", K.HR_BUREAU, "东西湖区人力资源和社会保障局", short="区人社局",
        address="武汉市东西湖区吴家山街道吴中街特1号", phone="027-83892000", at=seat)

    # Who works where: org key -> role -> username.
    staff: dict[str, dict[str, str]] = {
        "center01": {"clerk": "clerk", "mediator": "mediator", "head": "head"},
        "center02": {"clerk": "center02_clerk", "mediator": "mediator2", "head": "center02_head"},
        "union": {"clerk": "union_clerk", "mediator": "union_mediator", "head": "union_head"},
        "peoples": {"clerk": "peoples_clerk", "mediator": "peoples_mediator",
                    "head": "peoples_head"},
        "commission": {"clerk": "commission_clerk", "mediator": "commission_mediator",
                       "head": "chair"},
    }
    for i in range(2, len(streets)):
        key = demo.center_key(i)
        staff[key] = {role: f"{key}_{role}" for role in ("clerk", "mediator", "head")}
    for i in range(1, len(demo.ENTERPRISE_COMPANIES) + 1):
        staff[f"enterprise{i}"] = {role: f"enterprise{i}_{role}" for role in ("mediator", "head")}
    roles = {"clerk": Role.INTAKE_CLERK, "mediator": Role.MEDIATOR, "head": Role.HEAD}
    memberships: list[tuple[str, str, str]] = [
        (username, key, roles[role])
        for key, by_role in staff.items() if key != "commission"
        for role, username in by_role.items()
    ]
    memberships += [
        ("commission_clerk", "commission", Role.INTAKE_CLERK),
        ("commission_mediator", "commission", Role.MEDIATOR),
        ("filing_officer", "commission", Role.FILING_OFFICER),
        ("chair", "commission", Role.CHAIR),
        ("supervisor", "bureau", Role.SUPERVISOR),
        *((username, "commission", Role.ARBITRATOR) for username in demo.ARBITRATORS),
    ]

    users = create_accounts(rng, [*PERSONAS, *(m[0] for m in memberships)])
    Membership.objects.bulk_create([
        Membership(user=users[username], organization=orgs[key], role=role)
        for username, key, role in memberships
    ])
    recused, company = demo.RECUSED
    DeclaredRelation.objects.create(
        user=users[recused], kind=DeclaredRelation.Kind.INTEREST,
        counterpart_name=company.name, counterpart_identifier=company.credit_code,
        note="配偶在该公司担任人力资源主管。",
    )
    return demo.DemoWorld(district=district, streets=streets, orgs=orgs, staff=staff,
                          users=users)


def create_accounts(rng: random.Random, usernames: list[str]) -> dict[str, User]:
    """One account per name, all with DEMO_PASSWORD (hashed once: hashing is slow on purpose).
    An account that already exists (e.g. an `admin` made by createsuperuser) is left as it is."""
    model = get_user_model()
    wanted = list(dict.fromkeys(usernames))
    existing = {u.username: u for u in model.objects.filter(username__in=wanted)}
    password = make_password(settings.DEMO_PASSWORD)
    people = demo.People(rng)
    new = []
    for username in wanted:
        if username in existing:
            continue
        if username in PERSONA_NAMES:
            last, first = PERSONA_NAMES[username]
        else:
            name = people.name(rng.random() < 0.5)
            last, first = name[0], name[1:]
        admin = username == "admin"
        new.append(model(username=username, password=password, last_name=last, first_name=first,
                        is_staff=admin, is_superuser=admin))
    model.objects.bulk_create(new)
    return {u.username: u for u in model.objects.filter(username__in=wanted)}
