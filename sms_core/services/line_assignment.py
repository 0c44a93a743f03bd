"""Lines and who is on them: reading, assignment, re-allocation, and the rules behind them.

A user is put on a line only when active, on no other line, and within the host's sharing
limit (``users_per_number``), which the store enforces in one conditional UPDATE
(:func:`sms_core.store.lines.add_line_user`). :class:`~sms_core.services.numbers.NumberAdmin`
extends this with what involves the carrier (search, purchase, forwarding, release).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence

import attrs

from sms_core import inputs
from sms_core.domain import Action, AuditAction, Line, LineSummary, PhoneNumber, Seat, User
from sms_core.domain.host_events import LineChange
from sms_core.exceptions import (
    InactiveUserError,
    InvalidInputError,
    LineFullError,
    LineNotFoundError,
    NotOnLineError,
    StoreConflict,
    UserAlreadyHasLineError,
    UserNotFoundError,
)
from sms_core.services import host_events
from sms_core.services.context import AccountContext
from sms_core.store import Transaction
from sms_core.store import lines as line_store
from sms_core.store.users import get_users

__all__ = ["LineAssignment", "snapshot", "unique_ids"]


@attrs.define
class LineAssignment:
    """The account's lines and who texts from them; every change audited, checked whole first."""

    _context: AccountContext

    # -- reading -------------------------------------------------------------------------------

    def list(self, *, viewer_id: str | None = None) -> builtins.list[LineSummary]:
        """The provisioned lines with their users, by number.

        Args:
            viewer_id: The user reading the list (a screen's signed-in user), whom the host
                must let manage numbers; ``None`` (the SDK's caller) is not checked.

        Raises:
            PermissionDeniedError: When the host does not let ``viewer_id`` manage numbers.
        """
        self._context.require_admin_viewer(viewer_id)
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
        wanted = unique_ids(user_ids)
        try:
            with context.database.transaction() as connection:
                line = self._line(connection, number)
                users = self._assignable(connection, wanted)
                before = snapshot(line, self._users_of(connection, line))
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
            before = snapshot(line, self._users_of(connection, line))
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
                before = snapshot(line, self._users_of(connection, line))
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
            after=snapshot(after, self._users_of(connection, after)),
        )

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


def snapshot(line: Line, users: Sequence[User], seat: Seat | None = None) -> dict[str, object]:
    """A line as the audit trail records it: its number, users, forwarding and seat."""
    state: dict[str, object] = {
        "number": str(line.number),
        "users": [user.id for user in users],
        "forward_to": str(line.forward_to) if line.forward_to else None,
    }
    if seat is not None or line.seat_id is not None:
        state["seat_id"] = seat.id if seat else line.seat_id
    return state


def unique_ids(user_ids: Sequence[str]) -> list[str]:
    """The user ids in order, each once; a lone id passed as text is refused, not spelled out."""
    if isinstance(user_ids, str):
        raise InvalidInputError(
            f"user ids are a list: pass [{user_ids!r}] for the one user {user_ids!r}"
        )
    return list(dict.fromkeys(user_ids))
