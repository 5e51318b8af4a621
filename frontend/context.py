"""Template context shared by every page: the role-aware navigation.

Staff links point at URL names that other parts of the web pages provide (the workspaces
of issue 6 part 2); a name that does not exist yet is left out rather than breaking
every page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from frontend.workspace.hearings import may_see_calendar
from mediation.models import Role
from mediation.selectors import active_memberships


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


# (URL name, label, who sees it). "party": any signed-in person without a staff role;
# "party_or_public": also the public; "staff": anyone with an active role in an
# organization; "commission": staff of an arbitration commission (the hearing calendar);
# "supervisor": the district bureau (the supervision dashboard, issue 7).
_NAV = [
    ("frontend:my_cases", _("我的案件"), "party"),
    ("frontend:apply", _("申请调解仲裁"), "party_or_public"),
    ("frontend:status_lookup", _("进度查询"), "party_or_public"),
    ("workspace:queue", _("工作台"), "staff"),
    ("workspace:hearings", _("开庭日历"), "commission"),
    ("indicators:dashboard", _("监督看板"), "supervisor"),
]


def _audiences(request: HttpRequest) -> set[str]:
    user = request.user
    if not user.is_authenticated:
        return {"party_or_public"}
    roles = {m.role for m in active_memberships(user)}
    audiences: set[str] = set()
    if roles:
        audiences.add("staff")  # the workspace shows each role its own view
    if may_see_calendar(user):
        audiences.add("commission")
    if Role.SUPERVISOR in roles:
        audiences.add("supervisor")
    if not audiences:
        audiences |= {"party", "party_or_public"}
    return audiences


def nav_items(request: HttpRequest) -> list[NavItem]:
    audiences = _audiences(request)
    items = []
    for name, label, audience in _NAV:
        if audience not in audiences:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # that part of the site is not installed (yet)
        current = request.path == url or (url != "/" and request.path.startswith(url))
        items.append(NavItem(label=str(label), url=url, current=current))
    return items


def display_name(user: object) -> str:
    """A person's name as Chinese writes it (family name first), else the username."""
    last, first = getattr(user, "last_name", ""), getattr(user, "first_name", "")
    if last or first:
        return f"{last}{first}" if not (last + first).isascii() else f"{first} {last}".strip()
    return str(getattr(user, "username", ""))


def navigation(request: HttpRequest) -> dict[str, object]:
    return {"nav_items": nav_items(request),
            "user_display_name": display_name(request.user) if request.user.is_authenticated
            else ""}
