"""Number administration: search, purchase, assignment, re-allocation, forwarding, release."""

from __future__ import annotations

import builtins
import contextlib
from collections.abc import Iterable, Sequence

import attrs

from sms_core import inputs
from sms_core.domain import (
    Action,
    AuditAction,
    AvailableNumber,
    CarrierRegistration,
    Line,
    LineSummary,
    NumberQuery,
    NumberSettings,
    PhoneNumber,
    ProvisionedNumber,
    Seat,
    User,
)
from sms_core.domain.host_events import LineChange
from sms_core.exceptions import (
    AlreadyExistsError,
    InactiveUserError,
    InvalidFieldError,
    InvalidInputError,
    LineFullError,
    LineNotFoundError,
    NotOnLineError,
    PermissionDeniedError,
    ProviderNotFoundError,
    SeatHasNumberError,
    SeatRequiredError,
    SmsError,
    StoreConflict,
    TermsNotAcceptedError,
    UserAlreadyHasLineError,
    UserNotFoundError,
)
from sms_core.services import host_events
from sms_core.services.context import AccountContext
from sms_core.services.registration import attach_if_registered
from sms_core.store import Transaction
from sms_core.store import lines as line_store
from sms_core.store.users import get_users

__all__ = ["NumberAdmin"]


@attrs.define
class NumberAdmin:
    """The account's phone numbers and who texts from them.

    Every change is checked whole before anything is written or the carrier is called, and
    is recorded in the audit trail with the state before and after.

    Numbers follow the registration: one bought once the messaging service is approved is
    attached to it at purchase and registered ("Active"); one bought before is unregistered
    until the registration's ``sync`` attaches it.
    """

    _context: AccountContext

    # -- reading -------------------------------------------------------------------------------

    def search(self, actor_id: str, query: NumberQuery) -> builtins.list[AvailableNumber]:
        """Numbers for sale. An empty list is a normal answer (postal codes often give one).

        Raises:
            PermissionDeniedError: When the actor may not manage numbers.
        """
        inputs.identifier("actor_id", actor_id)
        if not isinstance(query, NumberQuery):
            raise InvalidFieldError(field="query", value=inputs.shown(query), limit="a NumberQuery")
        self._context.require(actor_id, Action.MANAGE_NUMBERS)
        return self._context.hooks.search_numbers(self._context.account, query)

    def list(self) -> builtins.list[LineSummary]:
        """The provisioned lines with their users, by number."""
        with self._context.database.transaction() as connection:
            lines = line_store.list_lines(connection, self._context.account.id)
            return self._summaries(connection, lines)

    def get(self, number: str | PhoneNumber) -> LineSummary:
        """One provisioned line.

        Raises:
            LineNotFoundError: When the account has no active line for ``number``.
        """
        inputs.number("number", number)
        with self._context.database.transaction() as connection:
            line = self._line(connection, number)
            return self._summaries(connection, [line])[0]

    # -- purchase ------------------------------------------------------------------------------

    def purchase(
        self,
        actor_id: str,
        number: str | PhoneNumber,
        user_ids: Sequence[str] = (),
        *,
        accept_terms: bool,
    ) -> LineSummary:
        """Buy a number for one or several users.

        Args:
            actor_id: The admin buying.
            number: A number a search offered.
            user_ids: The users who will text from it (active, without a line, within the
                host's sharing limit); may be empty to assign later.
            accept_terms: The admin's acceptance of the subscription terms; required.

        Raises:
            TermsNotAcceptedError: Without ``accept_terms``.
            NumberUnavailableError: When the carrier no longer offers the number.
            SeatRequiredError: Under a host with seats, whose numbers are bought for a seat
                (``seats.complete_setup``, ``seats.auto_assign``), so every text is counted.
        """
        return self.provision(actor_id, number, user_ids, seat=None, accept_terms=accept_terms)

    def provision(
        self,
        actor_id: str,
        number: str | PhoneNumber,
        user_ids: Sequence[str],
        *,
        seat: Seat | None,
        accept_terms: bool,
    ) -> LineSummary:
        """Buy a number for users and, for seat-based hosts, a seat (see :meth:`purchase`)."""
        context = self._context
        inputs.identifier("actor_id", actor_id)
        inputs.number("number", number)
        inputs.identifiers("user_ids", user_ids)
        inputs.flag("accept_terms", accept_terms)
        actor = context.require(actor_id, Action.MANAGE_NUMBERS)
        if seat is None and context.policy().seats_enabled:
            raise SeatRequiredError(
                f"under the {context.hooks.host_name} host every number belongs to a seat, "
                f"whose allowance counts its texts; to buy {number}, create a seat "
                "(seats.create) and set it up with this number (seats.complete_setup)"
            )
        if not accept_terms:
            raise TermsNotAcceptedError(
                f"buying {number} needs the admin's acceptance of the subscription terms; "
                "ask the admin to agree to them, then buy again with the terms accepted"
            )
        wanted = PhoneNumber.coerce(number)
        unique_ids = _unique_ids(user_ids)
        with context.database.transaction() as connection:
            if line_store.find_line(connection, context.account.id, wanted) is not None:
                raise AlreadyExistsError(f"the account already owns {wanted}; assign users to it")
            users = self._assignable(connection, unique_ids)
        self._check_capacity(wanted, len(users))
        bought = context.hooks.purchase_number(context.account, wanted, self._settings(None))
        attached = attach_if_registered(context, bought)
        line = Line(
            id=context.make_id(),
            account_id=context.account.id,
            number=bought.number,
            provider_ref=bought.provider_ref,
            registered=attached,
            # Attached now; registered with the mobile carriers once the carrier says so.
            carrier_registration=(
                CarrierRegistration.PENDING if attached else CarrierRegistration.NOT_ATTACHED
            ),
            seat_id=seat.id if seat else None,
        )
        try:
            with context.database.transaction() as connection:
                line_store.insert_line(connection, line, context.now())
                self._add_users(connection, line, users)
                if users:
                    host_events.line_changed(
                        context, connection, LineChange.ASSIGNED, line, by=actor
                    )
                context.audit(
                    connection,
                    actor=actor,
                    action=AuditAction.PURCHASE,
                    target=line.number,
                    before=None,
                    after=_snapshot(line, users, seat),
                )
        except Exception as err:
            # The carrier sold us the number but the database refused the line: give it back
            # so the account does not pay for a number nobody can see.
            context.hooks.release_number(context.account, bought)
            if isinstance(err, StoreConflict):
                raise self._conflict(line, users, seat) from err
            raise
        return self.get(line.number)

    def _conflict(self, line: Line, users: Sequence[User], seat: Seat | None) -> SmsError:
        """What a concurrent change did that made storing a bought line fail."""
        account_id = self._context.account.id
        with self._context.database.transaction() as connection:
            if line_store.find_line(connection, account_id, line.number) is not None:
                return AlreadyExistsError(
                    f"{line.number} was just bought by another admin; assign users to it"
                )
            taken = [
                user
                for user in users
                if line_store.line_of_user(connection, account_id, user.id) is not None
            ]
        if taken:
            names = ", ".join(repr(user.full_name) for user in taken)
            return UserAlreadyHasLineError(
                f"{names} was just put on another line while {line.number} was bought (it was "
                "given back); unassign them there first, or buy for other users"
            )
        if seat is not None:
            return SeatHasNumberError(
                f"seat {seat.name!r} was just given another number while {line.number} was "
                "bought (it was given back); reload the seat to see its number"
            )
        return AlreadyExistsError(
            f"storing {line.number} clashed with a concurrent change (the number was given "
            "back); reload and try again"
        )

    # -- assignment ----------------------------------------------------------------------------

    def assign(self, actor_id: str, number: str | PhoneNumber, user_id: str) -> LineSummary:
        """Put an active user without a line on a line, within the host's sharing limit.

        Raises:
            InactiveUserError, UserAlreadyHasLineError, LineFullError: As the rules say.
        """
        return self.assign_many(actor_id, number, [user_id])

    def assign_many(
        self, actor_id: str, number: str | PhoneNumber, user_ids: Sequence[str]
    ) -> LineSummary:
        """Put several users on a line at once: all of them, or none when one is refused.

        Raises:
            InactiveUserError, UserAlreadyHasLineError, LineFullError: As the rules say.
        """
        context = self._context
        inputs.identifier("actor_id", actor_id)
        inputs.number("number", number)
        inputs.identifiers("user_ids", user_ids)
        actor = context.require(actor_id, Action.MANAGE_NUMBERS)
        wanted = _unique_ids(user_ids)
        try:
            with context.database.transaction() as connection:
                line = self._line(connection, number)
                users = self._assignable(connection, wanted)
                before = _snapshot(line, self._users_of(connection, line))
                self._add_users(connection, line, users)
                self._audit_membership(connection, actor, AuditAction.ASSIGN, line, before)
                host_events.line_changed(context, connection, LineChange.ASSIGNED, line, by=actor)
        except StoreConflict as err:
            raise UserAlreadyHasLineError(
                f"one of {', '.join(map(repr, wanted))} was just put on another line; "
                "unassign them there first"
            ) from err
        return self.get(line.number)

    def unassign(self, actor_id: str, number: str | PhoneNumber, user_id: str) -> LineSummary:
        """Take a user off a line; the line stays provisioned.

        Raises:
            NotOnLineError: When the user is not on the line.
        """
        context = self._context
        inputs.identifier("actor_id", actor_id)
        inputs.number("number", number)
        inputs.identifier("user_id", user_id)
        actor = context.require(actor_id, Action.MANAGE_NUMBERS)
        with context.database.transaction() as connection:
            line = self._line(connection, number)
            before = _snapshot(line, self._users_of(connection, line))
            if not line_store.remove_line_user(connection, line, user_id):
                raise NotOnLineError(f"user {user_id!r} is not on {line.number}; nothing to remove")
            self._audit_membership(connection, actor, AuditAction.UNASSIGN, line, before)
            host_events.line_changed(context, connection, LineChange.UNASSIGNED, line, by=actor)
        return self.get(line.number)

    def reallocate(
        self, actor_id: str, number: str | PhoneNumber, from_user_id: str, to_user_id: str
    ) -> LineSummary:
        """Move a line from one user (typically inactive, shown in red) to an active user.

        Raises:
            NotOnLineError: When ``from_user_id`` is not on the line.
            InactiveUserError: When ``to_user_id`` is inactive.
            UserAlreadyHasLineError: When ``to_user_id`` already has a line.
        """
        context = self._context
        inputs.identifier("actor_id", actor_id)
        inputs.number("number", number)
        inputs.identifier("from_user_id", from_user_id)
        inputs.identifier("to_user_id", to_user_id)
        actor = context.require(actor_id, Action.MANAGE_NUMBERS)
        try:
            with context.database.transaction() as connection:
                line = self._line(connection, number)
                if from_user_id not in line.user_ids:
                    raise NotOnLineError(
                        f"user {from_user_id!r} is not on {line.number}; choose a user on it"
                    )
                (to_user,) = self._assignable(connection, [to_user_id])
                before = _snapshot(line, self._users_of(connection, line))
                line_store.remove_line_user(connection, line, from_user_id)
                self._add_users(connection, line, [to_user])
                self._audit_membership(connection, actor, AuditAction.REALLOCATE, line, before)
                host_events.line_changed(
                    context, connection, LineChange.REALLOCATED, line, by=actor
                )
        except StoreConflict as err:
            raise UserAlreadyHasLineError(
                f"user {to_user_id!r} was just put on another line; unassign them there first"
            ) from err
        return self.get(line.number)

    # -- configuration -------------------------------------------------------------------------

    def set_forwarding(
        self, actor_id: str, number: str | PhoneNumber, forward_to: str | None
    ) -> LineSummary:
        """Set or clear where voice calls to a line are forwarded.

        The line's own users and admins may do this.

        Args:
            forward_to: The forwarding number as typed (US numbers need no prefix), or
                ``None`` to stop forwarding.

        Raises:
            InvalidPhoneNumberError: When ``forward_to`` is not a valid number.
            PermissionDeniedError: When the actor is neither on the line nor an admin.
        """
        context = self._context
        inputs.identifier("actor_id", actor_id)
        inputs.number("number", number)
        if forward_to is not None:
            inputs.number("forward_to", forward_to)
        target = PhoneNumber.parse(forward_to) if forward_to is not None else None
        with context.database.transaction() as connection:
            actor = context.actor(connection, actor_id)
            line = self._line(connection, number)
        context.authorize(actor, Action.CONFIGURE_FORWARDING)
        if actor.id not in line.user_ids:
            self._require_admin_for_others_line(actor, line)
        if target == line.number:
            raise InvalidInputError(
                f"{line.number} cannot forward calls to itself; choose another forwarding number"
            )
        context.hooks.configure_number(context.account, _provisioned(line), self._settings(target))
        changed = attrs.evolve(line, forward_to=target)
        with context.database.transaction() as connection:
            line_store.update_line(connection, changed)
            if target != line.forward_to:
                host_events.line_changed(
                    context, connection, LineChange.FORWARDING_CHANGED, line, by=actor
                )
            context.audit(
                connection,
                actor=actor,
                action=AuditAction.FORWARD,
                target=line.number,
                before={"forward_to": str(line.forward_to) if line.forward_to else None},
                after={"forward_to": str(target) if target else None},
            )
        return self.get(line.number)

    def deactivate(self, actor_id: str, number: str | PhoneNumber) -> None:
        """Release a number at the carrier and remove it from the provisioned list.

        Its message history stays. A number the carrier no longer holds is removed too.
        """
        context = self._context
        inputs.identifier("actor_id", actor_id)
        inputs.number("number", number)
        actor = context.require(actor_id, Action.MANAGE_NUMBERS)
        with context.database.transaction() as connection:
            line = self._line(connection, number)
            before = _snapshot(line, self._users_of(connection, line))
        # A number already gone at the carrier must leave the list all the same.
        with contextlib.suppress(ProviderNotFoundError):
            context.hooks.release_number(context.account, _provisioned(line))
        with context.database.transaction() as connection:
            line_store.deactivate_line(connection, line, context.now())
            host_events.line_changed(context, connection, LineChange.DEACTIVATED, line, by=actor)
            context.audit(
                connection,
                actor=actor,
                action=AuditAction.DEACTIVATE,
                target=line.number,
                before=before,
                after=None,
            )

    # -- rules ---------------------------------------------------------------------------------

    def _line(self, connection: Transaction, number: str | PhoneNumber) -> Line:
        wanted = PhoneNumber.coerce(number)
        line = line_store.find_line(connection, self._context.account.id, wanted)
        if line is None:
            raise LineNotFoundError(
                f"account {self._context.account.id!r} has no active line {wanted}; "
                "list the numbers to see which it has"
            )
        return line

    def _assignable(self, connection: Transaction, user_ids: Sequence[str]) -> builtins.list[User]:
        account_id = self._context.account.id
        found = get_users(connection, account_id, user_ids)
        users = []
        for user_id in user_ids:
            user = found.get(user_id)
            if user is None:
                raise UserNotFoundError(
                    f"account {account_id!r} has no user {user_id!r}; sync it from the host first"
                )
            if not user.active:
                raise InactiveUserError(
                    f"user {user.full_name!r} ({user.id}) is inactive; only active users can "
                    "be put on a line"
                )
            current = line_store.line_of_user(connection, account_id, user_id)
            if current is not None:
                raise UserAlreadyHasLineError(
                    f"user {user.full_name!r} ({user.id}) is already on {current.number}; "
                    "a user can be on one line only: unassign or re-allocate that line first"
                )
            users.append(user)
        return users

    def _check_capacity(self, number: PhoneNumber, count: int) -> None:
        limit = self._context.policy().users_per_number
        if limit is not None and count > limit:
            raise LineFullError(
                f"{number} can be shared by at most {limit} users; {count} were chosen"
            )

    def _add_users(self, connection: Transaction, line: Line, users: Iterable[User]) -> None:
        limit = self._context.policy().users_per_number
        now = self._context.now()
        for user in users:
            if not line_store.add_line_user(connection, line, user.id, limit, now):
                raise LineFullError(
                    f"{line.number} already has the most users the host allows ({limit}); "
                    "unassign someone or choose another number"
                )

    def _audit_membership(
        self,
        connection: Transaction,
        actor: User,
        action: AuditAction,
        line: Line,
        before: dict[str, object],
    ) -> None:
        """Record a change of who is on ``line``, its users read back after the change."""
        after = line_store.get_line(connection, self._context.account.id, line.id)
        assert after is not None  # the line was read in this same transaction
        self._context.audit(
            connection,
            actor=actor,
            action=action,
            target=line.number,
            before=before,
            after=_snapshot(after, self._users_of(connection, after)),
        )

    def _require_admin_for_others_line(self, actor: User, line: Line) -> None:
        try:
            self._context.authorize(actor, Action.MANAGE_NUMBERS)
        except PermissionDeniedError as err:
            raise PermissionDeniedError(
                actor.id,
                Action.CONFIGURE_FORWARDING.value,
                f"user {actor.id!r} is not on {line.number} and may not manage numbers; only "
                f"the line's users or an admin can change its forwarding ({err.args[0]})",
            ) from err

    def _settings(self, forward_to: PhoneNumber | None) -> NumberSettings:
        return self._context.webhooks.number_settings(self._context.account, forward_to=forward_to)

    def _users_of(self, connection: Transaction, line: Line) -> builtins.list[User]:
        found = get_users(connection, self._context.account.id, line.user_ids)
        return [found[user_id] for user_id in line.user_ids if user_id in found]

    def _summaries(
        self, connection: Transaction, lines: Sequence[Line]
    ) -> builtins.list[LineSummary]:
        ids = {user_id for line in lines for user_id in line.user_ids}
        users = get_users(connection, self._context.account.id, ids)
        return [
            LineSummary(line=line, users=tuple(users[uid] for uid in line.user_ids if uid in users))
            for line in lines
        ]


def _provisioned(line: Line) -> ProvisionedNumber:
    return ProvisionedNumber(number=line.number, provider_ref=line.provider_ref)


def _snapshot(line: Line, users: Sequence[User], seat: Seat | None = None) -> dict[str, object]:
    state: dict[str, object] = {
        "number": str(line.number),
        "users": [user.id for user in users],
        "forward_to": str(line.forward_to) if line.forward_to else None,
    }
    if seat is not None or line.seat_id is not None:
        state["seat_id"] = seat.id if seat else line.seat_id
    return state


def _unique_ids(user_ids: Sequence[str]) -> list[str]:
    """The user ids in order, each once; a lone id passed as text is refused, not spelled out."""
    if isinstance(user_ids, str):
        raise InvalidInputError(
            f"user ids are a list: pass [{user_ids!r}] for the one user {user_ids!r}"
        )
    return list(dict.fromkeys(user_ids))
