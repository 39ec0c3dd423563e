"""The rules that must hold after any sequence of changes (RELIABILITY §4), checked by a
Hypothesis state machine driving the services on a real SQLite file.

Rules are targeted (the admin acting on their own team, invitees accepting) as well as
random (anyone doing anything), because random actors alone rarely hit "a second admin".
After every step: one active admin per account and no other admin seat; an email held by
at most one seat; one audit record per change; the audit chain verifies; and a refused
change left the store exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule
from sqlalchemy import text

from fpctl import clock
from fpctl.services import audit
from fpctl.services.team import accounts, invitations, inviting, members
from fpctl.services.team.inviting import InviteRequest
from fpctl.store.db import transaction
from tests.machines import StoreMachine

NOW = clock.parse_instant("2026-11-01T10:00:00Z")
PEOPLE = ["ana", "ben", "cat", "dan", "eve", "fay", "gus"]
EMAILS = [f"{p}@x.test" for p in PEOPLE] + ["ANA@X.test", " Ben@x.TEST "]
ROLES = ["member", "billing_manager", "admin"]
HOLDING = ("active", "deactivated", "closed")


class Teams(StoreMachine):
    TABLES = ("account", "member", "invitation", "audit_record")

    def __init__(self) -> None:
        super().__init__(NOW)
        self.expected_records = 0
        self.accounts = 0
        self.changes = 0

    # -- plumbing ------------------------------------------------------------------------

    def attempt(self, change: Callable[[], int]) -> bool:
        """Run a change; it returns how many audit records it wrote. A refusal changes
        nothing at all."""
        done, records = self.refused_or_done(change)
        if done:
            assert records is not None
            self.expected_records += records
            self.changes += records > 0
        return done

    def slugs(self) -> list[str]:
        return [row[0] for row in self.query("SELECT slug FROM account ORDER BY id")]

    def seats(self, slug: str | None = None) -> list[tuple[str, str, str, str]]:
        sql = (
            "SELECT m.email, m.role, m.status, a.slug FROM member m "
            "JOIN account a ON a.id = m.account_id"
        )
        rows = self.query(sql + " ORDER BY m.id")
        return [tuple(r) for r in rows if slug is None or r[3] == slug]  # type: ignore[misc]

    def admin_of(self, slug: str) -> str:
        [email] = [e for e, role, status, s in self.seats(slug) if role == "admin"]
        return email

    # -- rules ---------------------------------------------------------------------------

    @precondition(lambda self: self.accounts < 3)
    @rule(name=st.sampled_from(["Acme", "Beta", "Gamma", "Acme"]), admin=st.sampled_from(EMAILS))
    def create_account(self, name: str, admin: str) -> None:
        def change() -> int:
            with self.work() as ctx:
                accounts.create(ctx, name=name, admin_email=admin)
            self.accounts += 1
            return 1

        self.attempt(change)

    @precondition(lambda self: self.accounts > 0)
    @rule(data=st.data())
    def admin_transfers(self, data: st.DataObject) -> None:
        slug = data.draw(st.sampled_from(self.slugs()))
        admin = self.admin_of(slug)
        target = data.draw(st.sampled_from([s[0] for s in self.seats(slug)]))

        def change() -> int:
            with self.work(admin) as ctx:
                _, unchanged = members.set_role(ctx, target, "admin")
                changed = unchanged is None
            return 2 if changed else 0

        self.attempt(change)

    @precondition(lambda self: self.accounts > 0)
    @rule(data=st.data(), role=st.sampled_from(ROLES))
    def admin_sets_a_role(self, data: st.DataObject, role: str) -> None:
        slug = data.draw(st.sampled_from(self.slugs()))
        admin = self.admin_of(slug)
        target = data.draw(st.sampled_from([s[0] for s in self.seats(slug)]))
        transfer = role == "admin" and target != admin

        def change() -> int:
            with self.work(admin) as ctx:
                _, unchanged = members.set_role(ctx, target, role)
                changed = unchanged is None
            return (2 if transfer else 1) if changed else 0

        self.attempt(change)

    @precondition(lambda self: self.accounts > 0)
    @rule(data=st.data(), verb=st.sampled_from(["deactivate", "reactivate", "remove"]))
    def admin_changes_a_status(self, data: st.DataObject, verb: str) -> None:
        slug = data.draw(st.sampled_from(self.slugs()))
        admin = self.admin_of(slug)
        target = data.draw(st.sampled_from([s[0] for s in self.seats(slug)]))

        def change() -> int:
            with self.work(admin) as ctx:
                _, unchanged = getattr(members, verb)(ctx, target)
                changed = unchanged is None
            return 1 if changed else 0

        self.attempt(change)

    @precondition(lambda self: self.accounts > 0)
    @rule(data=st.data(), email=st.sampled_from(EMAILS), role=st.sampled_from(ROLES))
    def someone_invites(self, data: st.DataObject, email: str, role: str) -> None:
        inviter = data.draw(st.sampled_from([s[0] for s in self.seats()]))
        account = data.draw(st.sampled_from([None, *self.slugs()]))

        def change() -> int:
            with self.work(inviter, account=account) as ctx:
                [result] = inviting.invite_many(ctx, [InviteRequest(email, role)])
                if result.error is not None:
                    raise result.error
                if result.result == "unchanged":
                    return 0
                superseded = ctx.session.execute(
                    text("SELECT count(*) FROM invitation WHERE superseded_by_id = :id"),
                    {"id": result.invitation.id},  # type: ignore[union-attr]
                ).scalar_one()
            return 1 + superseded

        self.attempt(change)

    @precondition(lambda self: self.accounts > 0)
    @rule(data=st.data())
    def invitee_accepts(self, data: st.DataObject) -> None:
        tokens = [r[0] for r in self.query("SELECT token FROM invitation ORDER BY id")]
        if not tokens:
            return
        token = data.draw(st.sampled_from(tokens))

        def change() -> int:
            with self.work() as ctx:
                invitations.accept(ctx, token, "Invitee")
            return 1

        self.attempt(change)

    @precondition(lambda self: self.accounts > 0)
    @rule(data=st.data())
    def member_leaves(self, data: st.DataObject) -> None:
        leaver, _, _, slug = data.draw(st.sampled_from(self.seats()))

        def change() -> int:
            with self.work(leaver, account=slug) as ctx:
                members.leave(ctx)
            return 1

        self.attempt(change)

    @precondition(lambda self: self.accounts > 0)
    @rule(
        data=st.data(),
        verb=st.sampled_from(["set_role", "deactivate", "reactivate", "remove"]),
        role=st.sampled_from(ROLES),
    )
    def anyone_does_anything(self, data: st.DataObject, verb: str, role: str) -> None:
        everyone = [s[0] for s in self.seats()]
        actor = data.draw(st.sampled_from([*everyone, "support"]))
        target = data.draw(st.sampled_from(everyone))
        account = data.draw(st.sampled_from([None, *self.slugs()]))
        reason = data.draw(st.sampled_from([None, "ticket"]))
        seats_before = self.seats()
        # SPEC §2, independently: the active admin of the target's account, or support
        # with a reason naming that account; nobody else changes roles or statuses.
        home = {email: slug for email, _, status, slug in seats_before if status in HOLDING}
        target_slugs = {slug for email, _, _, slug in seats_before if email == target}
        if actor == "support":
            may = reason is not None and account in target_slugs
        else:
            may = (
                any(
                    e == actor and r == "admin" and s == "active" and slug in target_slugs
                    for e, r, s, slug in seats_before
                )
                and home.get(actor) in target_slugs
            )

        def change() -> int:
            with self.work(actor, account=account, reason=reason) as ctx:
                if verb == "set_role":
                    _, unchanged = members.set_role(ctx, target, role)
                    changed = unchanged is None
                else:
                    _, unchanged = getattr(members, verb)(ctx, target)
                    changed = unchanged is None
            if not changed:
                return 0
            # one record per seat that changed (a transfer changes two)
            now = self.seats()
            return sum(1 for old, new in zip(seats_before, now, strict=True) if old != new)

        if self.attempt(change):
            assert may, f"{actor} was allowed to {verb} {target}"

    @precondition(lambda self: self.accounts > 0)
    @rule(data=st.data())
    def support_appoints_when_the_admin_is_gone(self, data: st.DataObject) -> None:
        """Imported data: the admin seat unusable; only support may appoint, with a reason."""
        slug = data.draw(st.sampled_from(self.slugs()))
        admin = self.admin_of(slug)
        with self.engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE member SET status = 'deactivated' WHERE email = :e AND role = 'admin'"
                ),
                {"e": admin},
            )
        candidates = [s[0] for s in self.seats(slug) if s[0] != admin and s[2] == "active"]
        target = data.draw(st.sampled_from(candidates or [admin]))

        def change() -> int:
            with self.work("support", account=slug, reason="imported") as ctx:
                _, unchanged = members.set_role(ctx, target, "admin")
                changed = unchanged is None
            return 2 if changed else 0  # the appointment, the demotion of the unusable seat

        self.attempt(change)
        if admin == target or not candidates:  # nobody to appoint: restore the admin
            with self.engine.begin() as conn:
                conn.execute(
                    text("UPDATE member SET status = 'active' WHERE email = :e"), {"e": admin}
                )

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def one_admin_per_account(self) -> None:
        for slug in self.slugs():
            admins = [(e, st_) for e, role, st_, _ in self.seats(slug) if role == "admin"]
            assert len(admins) == 1, (slug, admins)
            assert admins[0][1] == "active", (slug, admins)

    @invariant()
    def an_email_is_held_once(self) -> None:
        held = [email for email, _, status, _ in self.seats() if status in HOLDING]
        assert len(held) == len(set(held)), held
        assert all(email == email.strip().casefold() for email in held)

    @invariant()
    def every_change_has_its_audit_records(self) -> None:
        [(count,)] = self.query("SELECT count(*) FROM audit_record")
        assert count == self.expected_records

    @invariant()
    def the_audit_chain_verifies(self) -> None:
        with transaction(self.engine, write=False) as session:
            broken, count, _ = audit.verify(session)
        assert broken is None
        assert count == self.expected_records


TestTeams = Teams.TestCase
TestTeams.settings = settings(
    max_examples=50,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
