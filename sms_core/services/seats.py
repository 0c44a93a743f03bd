"""Seats: a paid texting seat with one number, its users and a monthly allowance."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence

import attrs

from sms_core import inputs
from sms_core.domain import (
    Action,
    AuditAction,
    AvailableNumber,
    HostPolicy,
    NumberQuery,
    PhoneNumber,
    Seat,
    SeatSummary,
)
from sms_core.exceptions import (
    AlreadyExistsError,
    InvalidInputError,
    NumberUnavailableError,
    SeatHasNumberError,
    SeatNotFoundError,
    SeatsDisabledError,
    SeatWithoutNumberError,
)
from sms_core.services.allowance import allowance_period
from sms_core.services.context import AccountContext
from sms_core.services.numbers import NumberAdmin
from sms_core.store import lines as line_store
from sms_core.store import seats as seat_store
from sms_core.store.users import get_users

__all__ = ["SeatAdmin", "allowance_period"]

#: How many numbers "Choose Number" offers for an area code.
CHOICES = 10


@attrs.define
class SeatAdmin:
    """The "Text Messaging Numbers" page: seats, their numbers, users and allowance."""

    _context: AccountContext
    _numbers: NumberAdmin

    def create(self, actor_id: str, name: str, *, monthly_allowance: int | None = None) -> Seat:
        """Add a seat; its allowance defaults to the host policy's.

        Raises:
            InvalidFieldError: When the name is not a visible text of at most ``NAME_LENGTH``
                characters, or the allowance is not a whole number from 0 to ``INT32_MAX``.
            SeatsDisabledError: When the host product has no seats.
            AlreadyExistsError: When a seat has that name already (also when another admin
                creates it at the same moment).
        """
        context = self._context
        inputs.identifier("actor_id", actor_id)
        inputs.visible_text("name", name, max_length=inputs.NAME_LENGTH)
        if monthly_allowance is not None:
            inputs.count("monthly_allowance", monthly_allowance, unit="messages")
        policy = self._policy_with_seats()
        actor = context.require(actor_id, Action.MANAGE_NUMBERS)
        allowance = policy.monthly_allowance if monthly_allowance is None else monthly_allowance
        if type(allowance) is not int or allowance < 0:  # not a bool, a float or text either
            raise InvalidInputError(
                f"a monthly allowance of {allowance!r} cannot be used; give a whole number of "
                "messages, 0 or more, such as 1000"
            )
        if not name.strip():
            raise InvalidInputError("a seat needs a name, such as 'Seat 1'")
        seat = Seat(
            id=context.make_id(),
            account_id=context.account.id,
            name=name.strip(),
            monthly_allowance=allowance,
            period=allowance_period(context.now()),
        )
        with context.database.transaction() as connection:
            existing = seat_store.list_seats(connection, seat.account_id, period=seat.period)
            if any(s.name == seat.name for s in existing):
                raise AlreadyExistsError(f"a seat named {seat.name!r} exists; choose another name")
            if not seat_store.insert_seat(connection, seat, context.now()):
                raise AlreadyExistsError(
                    f"a seat named {seat.name!r} was just created by another admin; "
                    "choose another name"
                )
            context.audit(
                connection,
                actor=actor,
                action=AuditAction.CREATE_SEAT,
                target=seat.id,
                before=None,
                after={"name": seat.name, "monthly_allowance": allowance},
            )
        return seat

    def list(self, *, viewer_id: str | None = None) -> builtins.list[SeatSummary]:
        """Every seat with its number, users, and this month's remaining allowance.

        Args:
            viewer_id: The user reading the list (a screen's signed-in user), whom the host
                must let manage numbers and seats; ``None`` (the SDK's caller) is not checked.

        Raises:
            PermissionDeniedError: When the host does not let ``viewer_id`` manage seats.
        """
        context = self._context
        context.require_admin_viewer(viewer_id)
        period = allowance_period(context.now())
        with context.database.transaction() as connection:
            seats = seat_store.list_seats(connection, context.account.id, period=period)
            lines = {
                line.seat_id: line
                for line in line_store.list_lines(connection, context.account.id)
                if line.seat_id
            }
            ids = {uid for line in lines.values() for uid in line.user_ids}
            users = get_users(connection, context.account.id, ids)
        summaries = []
        for seat in seats:
            line = lines.get(seat.id)
            members = tuple(users[uid] for uid in (line.user_ids if line else ()) if uid in users)
            summaries.append(SeatSummary(seat=seat, line=line, users=members))
        return summaries

    def names_of(self, seat_ids: Iterable[str]) -> dict[str, str]:
        """The names of the account's seats among ``seat_ids``, by id, in one query.

        What a page that shows ids by name asks (the audit trail): only the ids on the page
        are read. An id the account has no seat for (or that cannot be an id) is left out.

        Raises:
            InvalidFieldError: When ``seat_ids`` is one text, not a collection, holds more than
                ``LIST_LIMIT_MAX`` (:mod:`sms_core.inputs`) items or an item is not a ``str``.
        """
        wanted = inputs.lookup_ids("seat_ids", seat_ids)
        with self._context.database.transaction() as connection:
            return seat_store.seat_names(connection, self._context.account.id, wanted)

    def get(self, seat_id: str, *, viewer_id: str | None = None) -> SeatSummary:
        """One seat.

        Args:
            seat_id: The seat's id.
            viewer_id: The user reading it (a screen's signed-in user), checked as
                :meth:`list` checks its viewer; ``None`` (the SDK's caller) is not checked.

        Raises:
            SeatNotFoundError: When the account has no such seat.
            PermissionDeniedError: When the host does not let ``viewer_id`` manage seats.
        """
        inputs.identifier("seat_id", seat_id)
        for summary in self.list(viewer_id=viewer_id):
            if summary.seat.id == seat_id:
                return summary
        raise SeatNotFoundError(
            f"account {self._context.account.id!r} has no seat {seat_id!r}; list the seats"
        )

    # -- assigning a number --------------------------------------------------------------

    def generate_numbers(
        self, actor_id: str, area_code: str, *, country: str = "US"
    ) -> builtins.list[AvailableNumber]:
        """Numbers available in an area code, to pick one from ("Choose Number")."""
        inputs.identifier("actor_id", actor_id)
        inputs.identifier("area_code", area_code, max_length=8)
        inputs.identifier("country", country, max_length=2)
        self._policy_with_seats()
        query = NumberQuery(country=country, area_code=area_code, limit=CHOICES)
        return self._numbers.search(actor_id, query)

    def complete_setup(
        self, actor_id: str, seat_id: str, number: str | PhoneNumber, *, accept_terms: bool
    ) -> SeatSummary:
        """Buy the chosen number for the seat."""
        inputs.identifier("actor_id", actor_id)
        inputs.number("number", number)
        inputs.flag("accept_terms", accept_terms)
        seat = self._seat_without_number(seat_id)
        self._numbers.provision(actor_id, number, (), seat=seat, accept_terms=accept_terms)
        return self.get(seat_id)

    def suggest_number(
        self, actor_id: str, seat_id: str, *, country: str = "US"
    ) -> AvailableNumber:
        """A random open number for a seat without one, bought by nothing yet.

        "Auto Assign Number" on a screen: the number is shown, then Complete Setup
        (:meth:`complete_setup`) buys it. :meth:`auto_assign` does both at once.

        Raises:
            SeatHasNumberError: When the seat has its number.
            NumberUnavailableError: When the carrier offers no number at all.
        """
        inputs.identifier("actor_id", actor_id)
        inputs.identifier("country", country, max_length=2)
        self._seat_without_number(seat_id)
        offered = self._numbers.search(actor_id, NumberQuery(country=country, limit=CHOICES))
        if not offered:
            provider = self._context.account.provider
            raise NumberUnavailableError(
                f"no open {country} numbers right now; try Choose Number with an area code",
                provider=provider,
            )
        return self._context.rng.choice(offered)

    def adopt_number(self, actor_id: str, seat_id: str, number: str | PhoneNumber) -> SeatSummary:
        """Give the seat a number the account already holds at its carrier, buying nothing.

        The number is adopted as :meth:`NumberAdmin.adopt` adopts one (webhooks pointed at
        the SDK, audited), for this seat.

        Raises:
            SeatsDisabledError: When the host product has no seats.
            SeatHasNumberError: When the seat has a number already.
            NumberNotHeldError, AlreadyExistsError: As for ``NumberAdmin.adopt``.
        """
        inputs.identifier("actor_id", actor_id)
        inputs.number("number", number)
        self._policy_with_seats()
        seat = self._seat_without_number(seat_id)
        self._numbers.adopt_into(actor_id, [number], seat=seat)
        return self.get(seat_id)

    def auto_assign(
        self, actor_id: str, seat_id: str, *, accept_terms: bool, country: str = "US"
    ) -> SeatSummary:
        """Buy a random open number for the seat ("Auto Assign Number").

        Raises:
            NumberUnavailableError: When the carrier offers no number at all.
        """
        inputs.identifier("actor_id", actor_id)
        inputs.flag("accept_terms", accept_terms)
        inputs.identifier("country", country, max_length=2)
        seat = self._seat_without_number(seat_id)
        chosen = self.suggest_number(actor_id, seat_id, country=country)
        self._numbers.provision(actor_id, chosen.number, (), seat=seat, accept_terms=accept_terms)
        return self.get(seat_id)

    # -- users -------------------------------------------------------------------------------

    def assign_users(self, actor_id: str, seat_id: str, user_ids: Sequence[str]) -> SeatSummary:
        """Put users on the seat's number: all of them, or none when one is refused.

        At most the host's limit share a number, and a user is on one seat only.
        """
        inputs.identifier("actor_id", actor_id)
        inputs.identifiers("user_ids", user_ids)
        self._numbers.assign_many(actor_id, self._line_of(seat_id), user_ids)
        return self.get(seat_id)

    def remove_user(self, actor_id: str, seat_id: str, user_id: str) -> SeatSummary:
        """Take a user off the seat's number."""
        inputs.identifier("actor_id", actor_id)
        inputs.identifier("user_id", user_id)
        self._numbers.unassign(actor_id, self._line_of(seat_id), user_id)
        return self.get(seat_id)

    # -- rules -------------------------------------------------------------------------------

    def _policy_with_seats(self) -> HostPolicy:
        policy = self._context.policy()
        if not policy.seats_enabled:
            host = self._context.hooks.host_name or "the core defaults"
            raise SeatsDisabledError(
                f"the host product ({host}) has no seats; assign numbers to users instead"
            )
        return policy

    def _seat_without_number(self, seat_id: str) -> Seat:
        summary = self.get(seat_id)
        if summary.line is not None:
            raise SeatHasNumberError(
                f"seat {summary.seat.name!r} already has {summary.line.number}; "
                "deactivate it before setting up another"
            )
        return summary.seat

    def _line_of(self, seat_id: str) -> PhoneNumber:
        summary = self.get(seat_id)
        if summary.line is None:
            raise SeatWithoutNumberError(
                f"seat {summary.seat.name!r} has no number yet; use Auto Assign or Choose Number"
            )
        return summary.line.number
