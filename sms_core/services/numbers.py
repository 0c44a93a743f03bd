"""Number administration: search, purchase, forwarding and release, the carrier's side.

Reading the lines and who is on them, and the rules of assignment, are
:class:`~sms_core.services.line_assignment.LineAssignment`; adopting numbers the account
already holds at its carrier is :class:`~sms_core.services.number_adoption.NumberAdoption`.
:class:`NumberAdmin` extends both.
"""

from __future__ import annotations

import builtins
import contextlib
from collections.abc import Sequence

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
    ProviderCapabilities,
    ProvisionedNumber,
    Seat,
    User,
)
from sms_core.domain.host_events import LineChange
from sms_core.exceptions import (
    AlreadyExistsError,
    InvalidFieldError,
    InvalidInputError,
    PermissionDeniedError,
    ProviderNotFoundError,
    SeatHasNumberError,
    SeatRequiredError,
    SmsError,
    StoreConflict,
    TermsNotAcceptedError,
    UserAlreadyHasLineError,
)
from sms_core.services import host_events
from sms_core.services.line_assignment import snapshot, unique_ids
from sms_core.services.number_adoption import NumberAdoption
from sms_core.services.registration import attach_if_registered
from sms_core.store import lines as line_store

__all__ = ["NumberAdmin", "no_offers_hint"]


@attrs.define
class NumberAdmin(NumberAdoption):
    """The account's phone numbers and who texts from them.

    Every change is checked whole before anything is written or the carrier is called, and
    is recorded in the audit trail with the state before and after.

    Numbers follow the registration: one bought once the messaging service is approved is
    attached to it at purchase and registered ("Active"); one bought before is unregistered
    until the registration's ``sync`` attaches it.
    """

    # -- search --------------------------------------------------------------------------------

    def search_capabilities(self, *, viewer_id: str | None = None) -> ProviderCapabilities:
        """What the account's carrier can be searched by: its ``countries`` and ``search_filters``.

        A form offers only these; :meth:`search` refuses any other filter all the same.

        Args:
            viewer_id: The user about to search (a screen's signed-in user), whom the host
                must let manage numbers; ``None`` (the SDK's caller) is not checked.

        Raises:
            PermissionDeniedError: When the host does not let ``viewer_id`` manage numbers.
        """
        self._context.require_admin_viewer(viewer_id)
        return self._context.hooks.provider_info(self._context.account).capabilities

    def search(self, actor_id: str, query: NumberQuery) -> builtins.list[AvailableNumber]:
        """Numbers for sale. An empty list is a normal answer (postal codes often give one).

        Raises:
            PermissionDeniedError: When the actor may not manage numbers.
        """
        inputs.identifier("actor_id", actor_id)
        if not isinstance(query, NumberQuery):
            raise InvalidFieldError.refused(
                field="query", value=inputs.shown(query), limit="a NumberQuery"
            )
        self._context.require(actor_id, Action.MANAGE_NUMBERS)
        return self._context.hooks.search_numbers(self._context.account, query)

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
        chosen_ids = unique_ids(user_ids)
        with context.database.transaction() as connection:
            if line_store.find_line(connection, context.account.id, wanted) is not None:
                raise AlreadyExistsError(f"the account already owns {wanted}; assign users to it")
            users = self._assignable(connection, chosen_ids)
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
                    after=snapshot(line, users, seat),
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
        self._authorize_forwarding(actor, line)
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

    def forwarding_of(self, viewer_id: str, number: str | PhoneNumber) -> LineSummary:
        """A line as its call forwarding form shows it, to whom :meth:`set_forwarding` allows.

        The same rule, asked before the form is drawn: the line's own users and admins.

        Raises:
            LineNotFoundError: When the account has no active line for ``number``.
            PermissionDeniedError: When the viewer is neither on the line nor an admin.
        """
        inputs.identifier("viewer_id", viewer_id)
        summary = self.get(number)
        with self._context.database.transaction() as connection:
            viewer = self._context.actor(connection, viewer_id)
        self._authorize_forwarding(viewer, summary.line)
        return summary

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
            before = snapshot(line, self._users_of(connection, line))
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

    def _authorize_forwarding(self, actor: User, line: Line) -> None:
        """The forwarding rule: the host lets the actor configure it, on their line or as admin."""
        self._context.authorize(actor, Action.CONFIGURE_FORWARDING)
        if actor.id not in line.user_ids:
            self._require_admin_for_others_line(actor, line)

    def _require_admin_for_others_line(self, actor: User, line: Line) -> None:
        try:
            self._context.authorize(actor, Action.MANAGE_NUMBERS)
        except PermissionDeniedError as err:
            raise PermissionDeniedError(
                f"user {actor.id!r} is not on {line.number} and may not manage numbers; only "
                f"the line's users or an admin can change its forwarding ({err.args[0]})",
                actor_id=actor.id,
                action=Action.CONFIGURE_FORWARDING.value,
            ) from err

    def _settings(self, forward_to: PhoneNumber | None) -> NumberSettings:
        return self._context.webhooks.number_settings(self._context.account, forward_to=forward_to)


def no_offers_hint(query: NumberQuery) -> str:
    """What to try when a search finds nothing, as the number-purchase screen advises."""
    if query.postal_code is not None:
        return (
            f"no numbers near postal code {query.postal_code}: leave the postal code blank "
            "(carriers often have none by postal code) or try nearby area codes"
        )
    if query.area_code is not None:
        return f"no numbers in area code {query.area_code}: try nearby area codes"
    if query.locality is not None:
        return f"no numbers in {query.locality}: try its state or region, or nearby area codes"
    return "no numbers match: loosen the filters or try another region"


def _provisioned(line: Line) -> ProvisionedNumber:
    return ProvisionedNumber(number=line.number, provider_ref=line.provider_ref)
