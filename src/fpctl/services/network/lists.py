"""Lists of the freelancer network (SPEC §1.6): freelancers and services, shared with
members and, read-only, with another Pro account.

Lists are their owner's. Who sees a list (``_reach``): its owner, the members it was shared
with, and, read-only, every member of another account it was shared with; support and reads
with no actor see every list of the account plus those shared to it. A list the actor
cannot see is not found (exit 3). Anyone who sees a list (not read-only) adds to it and
shares it with members of its account; only its owner (or support) shares it with another
Pro account. Adding to a read-only list is refused (exit 4, ``read_only``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import col, select

from fpctl.domain.enums import MemberStatus
from fpctl.domain.ids import as_id, is_digits
from fpctl.domain.permissions import Action
from fpctl.domain.text import require_text
from fpctl.errors import NotFound, PermissionDenied, RuleViolation
from fpctl.services.context import Context
from fpctl.services.listing import Listing
from fpctl.services.lookups import by_username, find_account, find_member, require_pro
from fpctl.services.network.connections import record
from fpctl.store.rows import id_of
from fpctl.store.tables import (
    Account,
    Freelancer,
    FreelancerService,
    Member,
    NetworkList,
    NetworkListItem,
    NetworkListShare,
)

# -- lists: who sees them ------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """A list as the actor sees it: read-only when it was shared from another account."""

    lst: NetworkList
    read_only: bool


def _shares(ctx: Context, list_ids: list[int]) -> dict[int, list[NetworkListShare]]:
    found: dict[int, list[NetworkListShare]] = {}
    if not list_ids:
        return found
    query = (
        select(NetworkListShare)
        .where(col(NetworkListShare.list_id).in_(list_ids))
        .order_by(col(NetworkListShare.id))
    )
    for share in ctx.session.exec(query).all():
        found.setdefault(share.list_id, []).append(share)
    return found


def _reach(ctx: Context, lst: NetworkList, shares: list[NetworkListShare]) -> Reach | None:
    """How ctx.actor sees ``lst`` (None: not at all)."""
    account_id = ctx.the_account.id
    if lst.account_id != account_id:
        if any(share.account_id == account_id for share in shares):
            return Reach(lst, read_only=True)
        return None
    actor = ctx.actor
    if not actor.is_member:
        return Reach(lst, read_only=False)
    mine = lst.owner_id == actor.member_id
    if mine or any(share.member_id == actor.member_id for share in shares):
        return Reach(lst, read_only=False)
    return None


def _candidates(ctx: Context) -> list[NetworkList]:
    """The account's lists and the lists other accounts shared with it, oldest first."""
    account_id = ctx.the_account.id
    shared_in = select(NetworkListShare.list_id).where(NetworkListShare.account_id == account_id)
    query = (
        select(NetworkList)
        .where(or_(col(NetworkList.account_id) == account_id, col(NetworkList.id).in_(shared_in)))
        .order_by(col(NetworkList.id))
    )
    return list(ctx.session.exec(query).all())


def find_list(ctx: Context, list_id: int) -> Reach:
    """A list ctx.actor sees (its own account's, or shared with the account); else NotFound."""
    ctx.require(Action.NETWORK_READ)
    lst = ctx.session.get(NetworkList, list_id)
    reach = None
    if lst is not None:
        reach = _reach(ctx, lst, _shares(ctx, [list_id]).get(list_id, []))
    if reach is None:
        raise NotFound(f"no list {list_id}", hint="`fpctl network lists` shows them")
    return reach


# -- lists: reading ----------------------------------------------------------------------------


def _shared_with(ctx: Context, shares: list[NetworkListShare]) -> list[str]:
    names = []
    for share in shares:
        if share.member_id is not None:
            member = ctx.session.get(Member, share.member_id)
            names.append(member.email if member else f"member:{share.member_id}")
        elif share.account_id is not None:
            account = ctx.session.get(Account, share.account_id)
            names.append(account.slug if account else f"account:{share.account_id}")
    return names


def _item_count(ctx: Context, list_id: int) -> int:
    query = select(func.count(col(NetworkListItem.id))).where(NetworkListItem.list_id == list_id)
    return int(ctx.session.exec(query).one())


@dataclass(frozen=True)
class ListSummary:
    """A list as its readers see it: its items counted, whom it is shared with."""

    reach: Reach
    account_slug: str | None
    items: int
    shared_with: list[str]  # empty for another account: it sees the list, not whom else


def summary(ctx: Context, reach: Reach) -> ListSummary:
    lst = reach.lst
    assert lst.id is not None
    account = ctx.session.get(Account, lst.account_id)
    shares = _shares(ctx, [lst.id]).get(lst.id, [])
    return ListSummary(
        reach,
        account.slug if account else None,
        _item_count(ctx, lst.id),
        [] if reach.read_only else _shared_with(ctx, shares),
    )


def lists(ctx: Context) -> list[ListSummary]:
    """The lists the actor sees, oldest first."""
    ctx.require(Action.NETWORK_READ)
    candidates = _candidates(ctx)
    shares = _shares(ctx, [lst.id for lst in candidates if lst.id is not None])
    found = []
    for lst in candidates:
        reach = _reach(ctx, lst, shares.get(lst.id or 0, []))
        if reach is not None:
            found.append(summary(ctx, reach))
    return found


def items(
    ctx: Context, list_id: int
) -> Listing[tuple[NetworkListItem, Freelancer, FreelancerService | None]]:
    """The list's freelancers and services, in the order they were added."""
    reach = find_list(ctx, list_id)
    query = (
        select(NetworkListItem, Freelancer, FreelancerService)
        .join(Freelancer, col(Freelancer.id) == col(NetworkListItem.freelancer_id))
        .outerjoin(FreelancerService, col(FreelancerService.id) == col(NetworkListItem.service_id))
        .where(NetworkListItem.list_id == reach.lst.id)
        .order_by(col(NetworkListItem.id))
    )
    return Listing(ctx.session, query)


# -- lists: changes ------------------------------------------------------------------------------


def _target(lst: NetworkList) -> str:
    return f"list:{lst.id} {lst.name}"


def list_create(ctx: Context, name: str) -> Reach:
    """A new empty list owned by the actor; the actor's list names are their own."""
    ctx.require(Action.NETWORK_LIST_CREATE)
    cleaned = require_text(name, "the list name")
    account_id = id_of(ctx.the_account)
    mine = ctx.session.exec(
        select(NetworkList.name)
        .where(NetworkList.account_id == account_id)
        .where(NetworkList.owner == ctx.actor.label)
    ).all()
    if cleaned.casefold() in {taken.casefold() for taken in mine}:
        raise RuleViolation(
            f"{ctx.actor.label} already has a list named {cleaned!r}",
            hint="`fpctl network lists` shows them",
            code="list_exists",
        )
    lst = NetworkList(
        account_id=account_id,
        owner_id=ctx.actor.member_id,
        owner=ctx.actor.label,
        name=cleaned,
        created_at=ctx.now,
    )
    ctx.session.add(lst)
    ctx.session.flush()
    record(ctx, Action.NETWORK_LIST_CREATE, _target(lst), {"name": (None, cleaned)})
    return Reach(lst, read_only=False)


#: What a list shared read-only with the account cannot have done to it.
_WRITES = {Action.NETWORK_LIST_ADD: "add to", Action.NETWORK_LIST_SHARE: "share"}


def authorize(ctx: Context, action: Action, list_id: int) -> Reach:
    """The list ``action`` acts on, once the actor may: the role, a list they see, and not
    one shared read-only with their account. ``auth can-i ACTION ID`` asks this."""
    ctx.require(action)
    return _writable(ctx, list_id, _WRITES[action])


def _writable(ctx: Context, list_id: int, does: str) -> Reach:
    reach = find_list(ctx, list_id)
    if reach.read_only:
        raise PermissionDenied(
            f"list {list_id} was shared with {ctx.the_account.slug} read-only: "
            f"{ctx.actor.label} cannot {does} it",
            hint="its owner's account keeps it",
            code="read_only",
        )
    return reach


def _resolve_target(ctx: Context, target: str) -> tuple[Freelancer, FreelancerService | None]:
    """A numeric target is a service id; anything else a username (``@`` optional)."""
    cleaned = target.strip()
    if is_digits(cleaned):
        number = as_id(cleaned)
        service = ctx.session.get(FreelancerService, number) if number else None
        if service is None:
            raise NotFound(f"no service {cleaned}", hint="`fpctl freelancer show USERNAME`")
        freelancer = ctx.session.get(Freelancer, service.freelancer_id)
        assert freelancer is not None
        return freelancer, service
    return by_username(ctx.session, cleaned), None


def list_add(ctx: Context, list_id: int, target: str) -> tuple[Reach, str | None]:
    """Add a freelancer (USERNAME) or a service (its id) to a list the actor sees.

    Returns the list and, when it was already there, why nothing changed."""
    reach = authorize(ctx, Action.NETWORK_LIST_ADD, list_id)
    freelancer, service = _resolve_target(ctx, target)
    service_id = service.id if service else None
    query = select(NetworkListItem.id).where(NetworkListItem.list_id == list_id)
    if service_id is None:
        query = query.where(NetworkListItem.freelancer_id == freelancer.id)
        query = query.where(col(NetworkListItem.service_id).is_(None))
    else:
        query = query.where(NetworkListItem.service_id == service_id)
    what = f"service {service_id}" if service_id else f"@{freelancer.username}"
    if ctx.session.exec(query).first() is not None:
        return reach, f"{what} is already on list {list_id}: nothing changed"
    assert freelancer.id is not None
    item = NetworkListItem(
        list_id=list_id,
        freelancer_id=freelancer.id,
        service_id=service_id,
        added_by=ctx.actor.label,
        added_at=ctx.now,
    )
    ctx.session.add(item)
    ctx.session.flush()
    record(ctx, Action.NETWORK_LIST_ADD, _target(reach.lst), {"item": (None, what)})
    return reach, None


def list_share(
    ctx: Context, list_id: int, *, member: str | None = None, account: str | None = None
) -> tuple[Reach, str | None]:
    """Share a list with an active member of its account, or (its owner or support only)
    read-only with another Pro account. Returns the list and why nothing changed, if so."""
    ctx.require(Action.NETWORK_LIST_SHARE)
    if ctx.account is None:  # support names no account here: the list's own is worked on
        found = ctx.session.get(NetworkList, list_id)
        if found is None:
            raise NotFound(f"no list {list_id}", hint="`fpctl network lists` shows them")
        ctx.account = ctx.session.get(Account, found.account_id)
    reach = authorize(ctx, Action.NETWORK_LIST_SHARE, list_id)
    if member is not None:
        return _share_with_member(ctx, reach, member)
    assert account is not None
    return _share_with_account(ctx, reach, account)


def _already(ctx: Context, list_id: int, **where: int) -> bool:
    query = select(NetworkListShare.id).where(NetworkListShare.list_id == list_id)
    for column, value in where.items():
        query = query.where(getattr(NetworkListShare, column) == value)
    return ctx.session.exec(query).first() is not None


def _add_share(ctx: Context, reach: Reach, name: str, **share: int) -> None:
    lst = reach.lst
    assert lst.id is not None
    ctx.session.add(
        NetworkListShare(list_id=lst.id, shared_by=ctx.actor.label, shared_at=ctx.now, **share)
    )
    ctx.session.flush()
    record(ctx, Action.NETWORK_LIST_SHARE, _target(lst), {"shared_with": (None, name)})


def _share_with_member(ctx: Context, reach: Reach, email: str) -> tuple[Reach, str | None]:
    found = find_member(ctx, email)
    lst = reach.lst
    if found.status != MemberStatus.ACTIVE:
        raise RuleViolation(
            f"{found.email} is {found.status}: lists are shared with active members only",
            code="member_inactive",
        )
    assert found.id is not None and lst.id is not None
    if found.id == lst.owner_id:
        return reach, f"{found.email} owns list {lst.id}: nothing changed"
    if _already(ctx, lst.id, member_id=found.id):
        return reach, f"list {lst.id} is already shared with {found.email}: nothing changed"
    _add_share(ctx, reach, found.email, member_id=found.id)
    return reach, None


def _share_with_account(ctx: Context, reach: Reach, slug: str) -> tuple[Reach, str | None]:
    lst = reach.lst
    if not ctx.actor.is_support and lst.owner_id != ctx.actor.member_id:
        raise PermissionDenied(
            f"{ctx.actor.label} cannot share list {lst.id} with another account: "
            f"only its owner ({lst.owner}) and support can",
        )
    other = find_account(ctx.session, slug)
    if other.id == lst.account_id:
        raise RuleViolation(
            f"list {lst.id} already belongs to {other.slug}",
            hint=f"share it with a member: fpctl network list-share {lst.id} --member EMAIL",
            code="same_account",
        )
    require_pro(other, "receive shared lists")
    assert lst.id is not None and other.id is not None
    if _already(ctx, lst.id, account_id=other.id):
        return reach, f"list {lst.id} is already shared with {other.slug}: nothing changed"
    _add_share(ctx, reach, other.slug, account_id=other.id)
    return reach, None
