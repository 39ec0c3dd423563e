"""What the demo is made of (``fpctl demo seed``): the companies, people, catalogue and
order stories, the sizes, and the time base. Fixed data: only the seeder draws from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from fpctl.domain.enums import Plan

#: People each account needs so that every role and status appears (admin, a billing
#: manager, a team lead, a deactivated, a removed and a closed member, one joined after
#: approval).
MIN_MEMBERS = 7


DEFAULT_ACCOUNTS = 3


DEFAULT_MEMBERS = 10


DEFAULT_SEED = 1


COMPANIES = [
    ("Northwind Traders", "Wholesale"),
    ("Bluebird Analytics", "Data & analytics"),
    ("Harbor & Pine Studio", "Design"),
    ("Kestrel Logistics", "Logistics"),
    ("Lumen Health", "Healthcare"),
    ("Copperleaf Foods", "Food & beverage"),
    ("Tidewater Media", "Media"),
    ("Quarry Robotics", "Manufacturing"),
    ("Maple Street Legal", "Legal services"),
    ("Orbital Games", "Gaming"),
    ("Saffron Travel", "Travel"),
    ("Ironbark Construction", "Construction"),
]


FIRST_NAMES = [
    "Ada", "Ben", "Chloé", "Dev", "Elena", "Femi", "Grace", "Hiro", "Inès", "Jonas",
    "Kira", "Liam", "Maya", "Noor", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tariq",
    "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe", "Aisha", "Bruno", "Carmen", "Diego",
]  # fmt: skip


LAST_NAMES = [
    "Okafor", "Lindqvist", "Moreau", "Patel", "Rossi", "Nakamura", "Haddad", "Kowalski",
    "García", "Nguyen", "Schmidt", "Adeyemi", "Fischer", "Silva", "Dubois", "Khan",
    "Novak", "Ortiz", "Berg", "Mensah", "Tanaka", "Costa", "Weber", "Ivanova",
]  # fmt: skip


#: The catalogue support keeps (the same for every seed): username, name, Pro badge, and
#: services as (title, price, revisions included).
CatalogueEntry = tuple[str, str, bool, list[tuple[str, str, int]]]


CATALOGUE: list[CatalogueEntry] = [
    ("lena.design", "Lena Moreau", True, [("Brand identity", "1,200", 3), ("Logo", "350", 2)]),
    ("kofi_dev", "Kofi Mensah", True, [("Django web app", "4,500", 2), ("API work", "800", 1)]),
    ("sara-writes", "Sara Lindqvist", False, [("Blog article, 1,000 words", "120", 1)]),
    ("mateo.video", "Mateo Ortiz", False, [("Product explainer video", "950", 2)]),
    ("yuki_data", "Yuki Tanaka", True, [("Dashboards", "1,800", 2), ("Data cleanup", "400", 0)]),
]  # fmt: skip


CATALOGUE_DAYS_BEFORE = 140  # before any demo account exists


CARD_DAYS_BEFORE = 60  # a basic account adds its card before its first order


DEFAULT_ORDERS = 10


#: What happens to the demo orders, in turn: each story is a list of (days after the
#: order, step). Together they show every order status, the flags and an open request.
STORIES = [
    "completed",
    "in_progress",
    "delivered",
    "auto_completed",
    "awaiting_requirements",
    "in_revision",
    "cancelled_by_agreement",
    "cancellation_open",
    "milestones",
    "late",
]


@dataclass(frozen=True)
class DemoOptions:
    accounts: int = DEFAULT_ACCOUNTS
    members: int = DEFAULT_MEMBERS  # people who joined each account, the admin included
    seed: int = DEFAULT_SEED
    orders: int = DEFAULT_ORDERS  # per account


@dataclass
class Person:
    name: str
    email: str
    member_id: int | None = None
    token: str | None = None
    invitation_id: int | None = None


@dataclass
class Team:
    """One demo account while it is being built."""

    index: int
    name: str
    slug: str
    domain: str
    industry: str
    plan: Plan
    admin: Person
    account_id: int | None = None
    people: dict[str, Person] = field(default_factory=dict)
    #: When each person in ``people`` became a member, and when they stopped being an active
    #: one (deactivated, removed, closed): orders are placed only by someone who is a member
    #: for every day their order's story spans.
    joined: dict[str, datetime] = field(default_factory=dict)
    left: dict[str, datetime] = field(default_factory=dict)


Step = Callable[[datetime], object]  # what a step returns is not used


@dataclass(frozen=True)
class OrderStory:
    story: str  # one of STORIES
    buyer: str  # "admin" or a key of Team.people
    days_before: int
    username: str
    service: int  # index in the freelancer's services


def demo_slugs(count: int) -> list[str]:
    """The slugs ``seed`` gives its accounts (they do not depend on the seed)."""
    return [company(index)[2] for index in range(count)]


def company(index: int) -> tuple[str, str, str]:
    name, industry = COMPANIES[index % len(COMPANIES)]
    if index >= len(COMPANIES):
        name = f"{name} {index // len(COMPANIES) + 1}"
    slug = "".join(ch if ch.isalnum() else "-" for ch in name.casefold().replace("&", ""))
    return name, industry, "-".join(part for part in slug.split("-") if part)


def base_time(now: datetime) -> datetime:
    """The instant every demo event is placed before: the start of now's UTC day."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def is_demo_slug(slug: str) -> bool:
    """Whether ``seed`` gives some account that slug, whatever ``--accounts`` was
    (``northwind-traders``, ..., then ``northwind-traders-2``, ...)."""
    prefix, _, number = slug.rpartition("-")
    turn = int(number) - 1 if prefix and number.isdigit() and int(number) >= 2 else 0
    first = turn * len(COMPANIES)
    return any(company(first + index)[2] == slug for index in range(len(COMPANIES)))
