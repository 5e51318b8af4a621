"""The organization's queue: open cases of the user's organizations, overdue and soon-due
first, with filters, tabs and a countdown for each running clock.

Scope is `access.disputes_for_user` narrowed to the cases an organization of the user
handles now (a case that moved on to another organization leaves the queue, though its
page stays readable). Filters narrow it further through the API's `DisputeFilter`, so the
queue and `GET /api/v1/disputes/` agree on what "overdue" or a text search means.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser, User
from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.filters import DisputeFilter
from disputes import access, selectors
from disputes.models import (
    IN_ARBITRATION,
    OPEN_STATES,
    ArbitrationRecord,
    Dispute,
    Party,
    Status,
    Tier,
    TribunalMember,
)
from frontend.workspace.countdowns import Countdown, running_countdowns
from mediation.models import Organization, Role
from mediation.selectors import active_memberships

PAGE_SIZE = 50
# The chair's tab lists cases whose award deadline falls within this many days and has
# not been extended yet (Law art. 43: one extension of at most 15 days, approved in writing).
EXTENSION_HORIZON_DAYS = 10

COMMISSION_ROLES = frozenset({Role.FILING_OFFICER, Role.ARBITRATOR, Role.CHAIR})
CASE_ROLES = frozenset({Role.MEDIATOR, Role.HEAD, Role.ARBITRATOR})

AnyUser = User | AnonymousUser


class Tab:
    OPEN = "open"
    MINE = "mine"
    ACCEPTANCE = "acceptance"
    CHAIR = "chair"


TAB_LABELS = {
    Tab.OPEN: _("全部在办"),
    Tab.MINE: _("我承办的"),
    Tab.ACCEPTANCE: _("立案审查（5 个工作日内决定）"),
    Tab.CHAIR: _("待主任决定"),
}


def names_summary(names: list[str], shown: int = 3) -> str:
    """张三、李四、王五等 20 人: a collective case's applicants in one line."""
    if len(names) <= shown + 1:
        return "、".join(names)
    return str(_("%(names)s等 %(n)d 人") % {"names": "、".join(names[:shown]), "n": len(names)})


def staff_organizations(user: AnyUser) -> list[Organization]:
    """The organizations the user works in (supervisors watch the dashboard instead)."""
    seen: dict[int, Organization] = {}
    for m in active_memberships(user):
        if m.role != Role.SUPERVISOR:
            seen.setdefault(m.organization_id, m.organization)
    return sorted(seen.values(), key=lambda o: o.pk)


def is_supervisor(user: AnyUser) -> bool:
    return bool(access.supervised_district_ids(user))


def may_use_workspace(user: AnyUser) -> bool:
    return bool(staff_organizations(user)) or is_supervisor(user)


def commission_roles(user: AnyUser) -> set[str]:
    return {m.role for m in active_memberships(user)
            if m.organization.kind == Organization.Kind.ARBITRATION_COMMISSION
            and m.role in COMMISSION_ROLES}


def tabs_for(user: AnyUser) -> list[str]:
    roles = {m.role for m in active_memberships(user)}
    tabs = [Tab.OPEN]
    if roles & CASE_ROLES:
        tabs.append(Tab.MINE)
    in_commission = commission_roles(user)
    if in_commission:
        tabs.append(Tab.ACCEPTANCE)
    if Role.CHAIR in in_commission:
        tabs.append(Tab.CHAIR)
    return tabs


OPEN_STATE_CHOICES = [(s.value, s.label) for s in OPEN_STATES]


class QueueFilterForm(forms.Form):
    """The queue's GET parameters. Invalid values are ignored (and shown as errors)."""

    tab = forms.ChoiceField(label=_("视图"), required=False)
    organization = forms.TypedChoiceField(label=_("办理机构"), coerce=int, required=False,
                                          empty_value=None)
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), *OPEN_STATE_CHOICES])
    tier = forms.ChoiceField(label=_("调解层级（曾经或正在）"), required=False,
                             choices=[("", _("全部层级")), *Tier.choices])
    overdue = forms.BooleanField(label=_("只看已超期"), required=False)
    q = forms.CharField(label=_("查询编号、案号或当事人姓名"), required=False, max_length=100)

    def __init__(self, data: Any, *, tabs: list[str], organizations: list[Organization]) -> None:
        super().__init__(data)
        tab_field: Any = self.fields["tab"]
        tab_field.choices = [(t, TAB_LABELS[t]) for t in tabs]
        org_field: Any = self.fields["organization"]
        org_field.choices = [("", _("我的全部机构")), *[(o.pk, o.name) for o in organizations]]


def _clean(form: QueueFilterForm, name: str) -> Any:
    """A field's value if it was valid, else its empty value (a bad parameter is ignored)."""
    form.is_valid()
    return form.cleaned_data.get(name)


@dataclass(frozen=True)
class QueueRow:
    dispute: Dispute
    applicants: str
    respondents: str
    countdowns: list[Countdown]
    needs: list[str] = field(default_factory=list)
    status_label: str = ""  # the state in words, translated once per page, not per row

    @property
    def primary(self) -> Countdown | None:
        """The clock that puts the case where it is in the order (Dispute.next_due_clock)."""
        for c in self.countdowns:
            if c.code == self.dispute.next_due_clock and c.running:
                return c
        staff = [c for c in self.countdowns if c.is_staff_clock]
        return staff[0] if staff else None

    @property
    def others(self) -> list[Countdown]:
        primary = self.primary
        return [c for c in self.countdowns if c is not primary]


@dataclass
class Queue:
    form: QueueFilterForm
    tab: str
    tabs: list[str]
    organizations: list[Organization]
    live_organizations: list[int]
    page: Page[int]
    rows: list[QueueRow]
    today: dt.date

    @property
    def tab_links(self) -> list[tuple[str, str, bool]]:
        return [(t, str(TAB_LABELS[t]), t == self.tab) for t in self.tabs]


def _tribunal_exists() -> Exists:
    return Exists(TribunalMember.objects.filter(record__dispute=OuterRef("pk")))


def chair_needs_filter(today: dt.date) -> Q:
    """What waits on the chair (Law arts. 31, 43; Rules art. 47): a tribunal to form, a
    suspended case to resume, an award deadline close enough to consider an extension."""
    horizon = today + dt.timedelta(days=EXTENSION_HORIZON_DAYS)
    return (
        (Q(status=Status.ACCEPTED) & ~_tribunal_exists())
        | Q(status=Status.SUSPENDED)
        | Q(status__in=IN_ARBITRATION, arbitration__extension_days=0,
            next_due_clock="award", next_due_on__lte=horizon)
    )


def mine_filter(user: AnyUser) -> Q:
    on_tribunal = Exists(TribunalMember.objects.filter(record__dispute=OuterRef("pk"),
                                                       arbitrator_id=user.pk))
    return Q(mediator_id=user.pk) | Q(on_tribunal)


def queue_queryset(user: AnyUser, form: QueueFilterForm, tab: str, today: dt.date,
                   organizations: list[Organization]) -> QuerySet[Dispute]:
    scoped = access.disputes_for_user(user).filter(status__in=OPEN_STATES)
    org_ids = [o.pk for o in organizations]
    chosen = _clean(form, "organization")
    if chosen in org_ids:
        org_ids = [chosen]
    if org_ids:
        scoped = scoped.filter(organization_id__in=org_ids)
    elif not is_supervisor(user):
        return Dispute.objects.none()
    if tab == Tab.MINE:
        scoped = scoped.filter(mine_filter(user))
    elif tab == Tab.ACCEPTANCE:
        scoped = scoped.filter(status=Status.ARBITRATION_REVIEW)
    elif tab == Tab.CHAIR:
        scoped = scoped.filter(chair_needs_filter(today))
    params = QueryDict(mutable=True)
    status = _clean(form, "status")
    if status:
        params.setlist("status", [status])
    if _clean(form, "tier"):
        params["tier"] = _clean(form, "tier")
    if _clean(form, "overdue"):
        params["overdue"] = "true"
    filtered = DisputeFilter(params, queryset=scoped).qs
    text = (_clean(form, "q") or "").strip()
    if text:
        filtered = filtered.filter(text_filter(text, scoped))
    # Overdue and soon-due first; cases with no running deadline last, oldest first.
    return filtered.order_by(F("next_due_on").asc(nulls_last=True), "received_on", "pk")


def text_filter(text: str, scoped: QuerySet[Dispute]) -> Q:
    """What `DisputeFilter`'s `q` matches: the tracking number (exact, any case), the
    arbitration case number or a party's name (substring).

    Searched among the queue's own cases, read first: a substring match uses no index and
    PostgreSQL misjudges how many names contain a Chinese word, so `DisputeFilter` on the
    whole scope scans every party and arbitration record of the district (~190 ms at
    100,000 cases, bench/pages.py) where a queue holds a few thousand cases. Case numbers
    (东劳人仲案字〔2026〕第0070号) are searched only for text with a digit: without one,
    a fragment matches every case of the commission or none."""
    wanted = text.upper()
    scope = dict(scoped.order_by().values_list("pk", "tracking_number"))
    ids = list(scope)
    matched = {pk for pk, number in scope.items() if number.upper() == wanted}
    matched.update(Party.objects.order_by().filter(dispute_id__in=ids, name__icontains=text)
                   .values_list("dispute_id", flat=True))
    if any(ch.isdigit() for ch in text):
        matched.update(pk for pk, number in ArbitrationRecord.objects.order_by()
                       .filter(dispute_id__in=ids, case_number__isnull=False)
                       .values_list("dispute_id", "case_number")
                       if wanted in (number or "").upper())
    # The shorter list of ids goes into the page's query (a case that joined the queue
    # between the two reads may show unsearched until the list is next fetched).
    if len(matched) == len(ids):
        return Q()
    if len(matched) > len(ids) / 2:
        return ~Q(pk__in=[pk for pk in ids if pk not in matched])
    return Q(pk__in=sorted(matched))


def _needs(dispute: Dispute, today: dt.date) -> list[str]:
    needs = []
    if dispute.status == Status.ACCEPTED and not dispute.arbitration.tribunal.all():
        needs.append(str(_("待组成仲裁庭")))
    if dispute.status == Status.SUSPENDED:
        needs.append(str(_("中止中，事由消除后恢复审理")))
    horizon = today + dt.timedelta(days=EXTENSION_HORIZON_DAYS)
    if (dispute.status in IN_ARBITRATION and dispute.next_due_clock == "award"
            and dispute.next_due_on is not None and dispute.next_due_on <= horizon
            and not dispute.arbitration.extension_days):
        needs.append(str(_("裁决期限将届满，可审批延期")))
    return needs


def build_queue(user: AnyUser, params: QueryDict) -> Queue:
    """The queue page in a fixed number of queries, whatever the page size."""
    today = timezone.localdate()
    organizations = staff_organizations(user)
    tabs = tabs_for(user)
    form = QueueFilterForm(params, tabs=tabs, organizations=organizations)
    tab = _clean(form, "tab") or Tab.OPEN
    queryset = queue_queryset(user, form, tab, today, organizations)
    # The page's ids first, then its rows: PostgreSQL sorts and cuts the queue's cases
    # alone instead of joining every arbitration record before the LIMIT.
    paginator = Paginator(queryset.values_list("pk", flat=True), PAGE_SIZE)
    page = paginator.get_page(params.get("page"))
    ids = list(page.object_list)
    rows_qs = selectors.with_clock_data(Dispute.objects.filter(pk__in=ids)).select_related(
        "organization").prefetch_related(
        Prefetch("parties", queryset=Party.objects.order_by("side", "pk")))
    if tab == Tab.CHAIR:
        rows_qs = rows_qs.prefetch_related("arbitration__tribunal")
    by_pk = {d.pk: d for d in rows_qs}
    disputes = [by_pk[pk] for pk in ids if pk in by_pk]
    clocks = selectors.clocks_for_many(disputes, today=today)
    # get_status_display() per row forces every choice's lazy label again (~0.3 ms a row).
    status_labels = {value: str(label) for value, label in Status.choices}
    rows = []
    for d in disputes:
        parties = list(d.parties.all())
        rows.append(QueueRow(
            dispute=d,
            applicants=names_summary([p.name for p in parties
                                      if p.side == Party.Side.APPLICANT]),
            respondents=names_summary([p.name for p in parties
                                       if p.side == Party.Side.RESPONDENT]),
            countdowns=running_countdowns(clocks[d.pk]),
            needs=_needs(d, today) if tab == Tab.CHAIR else [],
            status_label=status_labels.get(d.status, d.status),
        ))
    return Queue(
        form=form, tab=tab, tabs=tabs, organizations=organizations,
        live_organizations=[o.pk for o in organizations if access.may_watch_queue(user, o.pk)],
        page=page, rows=rows, today=today,
    )
