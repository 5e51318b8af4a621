"""What the bench cases are built around, read once from the seeded database.

`seed_demo --cases 0` makes the district of `disputes/demo/` (streets, mediation
organizations, the arbitration commission, the bureau, staff and demo accounts); this
module reads it into a plain, picklable `World` that the builder's worker processes use
without touching Django's database connection. It also pins the law-table caches
(calendar, statutory periods, wages) so the clocks and the final-award rule answer in
the workers without a query.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from disputes import calendar, demo
from disputes.clocks import period_cache
from disputes.law.wages import wage_cache
from disputes.services.intake import hash_access_code

# The access code of every bench case: the status look-up benchmark sends it. Documented
# in bench/README.md; a bench database is never a live one.
BENCH_ACCESS_CODE = "BNCH-2026-0000"
SYNTHETIC_COMPANIES = 3000
# Brand syllables and business words for invented employers (no real company is named).
BRANDS = "华鑫宏盛泰康瑞丰祥隆达顺兴汉江楚荆鄂通远恒信佳和金银湖嘉禾博创源新"
BUSINESS = {
    "logistics": "物流", "food": "食品", "auto": "汽车零部件", "construction": "建筑劳务",
    "delivery": "同城配送", "ridehailing": "出行服务", "it": "信息技术", "warehouse": "仓储",
    "catering": "餐饮管理", "property": "物业服务", "hotel": "酒店管理", "retail": "商贸",
    "manufacturing": "机械制造", "agriculture": "生态农业",
}


@dataclass(frozen=True)
class Staff:
    clerks: tuple[int, ...]
    mediators: tuple[int, ...]
    heads: tuple[int, ...]


@dataclass(frozen=True)
class World:
    district_id: int
    commission_id: int
    commission_prefix: str
    union_id: int
    peoples_id: int
    region_code: str | None  # for the minimum wage of the final-award rule
    places: dict[int, str]  # organization -> short name (mediation rooms)
    centers: tuple[tuple[int, int], ...]  # (organization, street) for each of demo.STREETS
    committees: dict[str, int]  # company name -> its enterprise mediation committee
    staff: dict[int, Staff]  # organization -> staff
    commission_clerk: int
    commission_mediators: tuple[int, ...]
    filing_officer: int
    chair: int
    arbitrators: tuple[int, ...]
    recused: tuple[int, str]  # (arbitrator, company name): Law art. 33 keeps them off
    worker_id: int  # the `worker` persona: applicant of a few cases
    employer_id: int  # the `employer` persona: respondent for demo.EMPLOYER_COMPANY
    companies: tuple[demo.Company, ...]
    company_weights: tuple[int, ...]
    credit_codes: dict[str, str]
    access_code_hash: str
    today: dt.date
    first_day: dt.date
    cases: int
    next_workday: dict[dt.date, dt.date]
    previous_workday: dict[dt.date, dt.date]


def synthetic_companies(rng: random.Random, count: int) -> list[demo.Company]:
    industries = sorted(demo.INDUSTRIES)
    names: set[str] = {c.name for c in demo.COMPANIES}
    companies: list[demo.Company] = []
    while len(companies) < count:
        industry = rng.choice(industries)
        brand = rng.choice(BRANDS) + rng.choice(BRANDS)
        name = f"武汉{brand}{BUSINESS[industry]}有限公司"
        if name in names:
            name = f"武汉{brand}{rng.choice(BRANDS)}{BUSINESS[industry]}有限公司"
        if name in names:
            continue
        names.add(name)
        companies.append(demo.Company(name, rng.randrange(len(demo.STREETS)), industry,
                                      rng.randint(1, 400)))
    return companies


def pin_law_tables() -> None:
    """Load the calendar, periods and wages once and keep them: no query afterwards."""
    calendar.calendar_cache.pin(calendar.calendar_cache.get())
    period_cache.pin(period_cache.get())
    wage_cache.pin(wage_cache.get())


def load_world(*, cases: int, years: int, today: dt.date, seed: int) -> World:
    from django.contrib.auth.models import User

    from mediation.models import District, Membership, Organization, Role

    district = District.objects.get(code="420112")
    orgs = list(Organization.objects.filter(district=district).prefetch_related("streets"))
    by_kind: dict[str, list[Organization]] = {}
    for org in orgs:
        by_kind.setdefault(org.kind, []).append(org)
    K = Organization.Kind
    street_ids = {s.name: s.pk for o in orgs for s in o.streets.all()}
    centers = []
    for info in demo.STREETS:
        center = next(o for o in by_kind[K.STREET_CENTER]
                      if [s.name for s in o.streets.all()] == [info.name])
        centers.append((center.pk, street_ids[info.name]))
    committees = {o.enterprise_name: o.pk for o in by_kind.get(K.ENTERPRISE_COMMITTEE, [])}
    commission = by_kind[K.ARBITRATION_COMMISSION][0]

    roles: dict[int, dict[str, list[int]]] = {}
    for m in Membership.objects.filter(is_active=True).order_by("pk"):
        roles.setdefault(m.organization_id, {}).setdefault(m.role, []).append(m.user_id)

    def staff(org_id: int) -> Staff:
        r = roles.get(org_id, {})
        heads = tuple(r.get(Role.HEAD, ()))
        return Staff(clerks=tuple(r.get(Role.INTAKE_CLERK, ())) or heads,
                     mediators=tuple(r.get(Role.MEDIATOR, ())) or heads, heads=heads)

    users = dict(User.objects.values_list("username", "pk"))
    at_commission = roles[commission.pk]
    rng = random.Random(seed)  # noqa: S311 - bench data, reproducible
    companies = [*demo.COMPANIES, *synthetic_companies(rng, SYNTHETIC_COMPANIES)]
    first_day = today - dt.timedelta(days=365 * years)
    days = [first_day + dt.timedelta(days=n) for n in range(-30, (today - first_day).days + 500)]
    return World(
        district_id=district.pk,
        commission_id=commission.pk,
        commission_prefix=commission.case_number_prefix or "劳人仲案字",
        union_id=by_kind[K.UNION_STUDIO][0].pk,
        peoples_id=by_kind[K.PEOPLES_COMMITTEE][0].pk,
        region_code=district.wage_region_code or None,
        places={o.pk: o.short_name or o.name for o in orgs},
        centers=tuple(centers),
        committees=committees,
        staff={o.pk: staff(o.pk) for o in orgs},
        commission_clerk=at_commission[Role.INTAKE_CLERK][0],
        commission_mediators=tuple(at_commission.get(Role.MEDIATOR, ())),
        filing_officer=at_commission[Role.FILING_OFFICER][0],
        chair=at_commission[Role.CHAIR][0],
        arbitrators=tuple(at_commission[Role.ARBITRATOR]),
        recused=(users[demo.RECUSED[0]], demo.RECUSED[1].name),
        worker_id=users["worker"],
        employer_id=users["employer"],
        companies=tuple(companies),
        # The district's known employers have many cases each; invented ones a few hundred.
        company_weights=tuple(5 if i < len(demo.COMPANIES) else 1 for i in range(len(companies))),
        credit_codes={c.name: c.credit_code for c in companies},
        access_code_hash=hash_access_code(BENCH_ACCESS_CODE),
        today=today,
        first_day=first_day,
        cases=cases,
        next_workday={d: calendar.next_working_day_on_or_after(d).date for d in days},
        previous_workday={d: calendar.previous_working_day_on_or_before(d).date for d in days},
    )
