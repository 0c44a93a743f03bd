"""Adopting numbers the account already holds at its carrier, as lines.

An agency that texted before it used the SDK owns numbers at its carrier. Adopting one makes
it a line exactly as buying it would, without buying anything: the same checks of the users
(active, on no other line, within the host's sharing limit), its inbound-text and call
webhooks pointed at the SDK (``sms_adopt_number``, the configuration step of a purchase), the
number attached to the approved messaging service when there is one, the host's line event
and an audit entry. A number is adoptable when the carrier lists it for the account and it is
no active line of any account.

Several numbers are adopted together or not at all: everything is checked before the carrier
is called; a number the carrier could not repoint, or lines the database refused, put back
the webhooks of every number already repointed (but one another admin adopted meanwhile,
which keeps answering at the SDK), and nothing is stored.
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import Mapping, Sequence

import attrs

from sms_core import inputs
from sms_core.domain import (
    Action,
    AdoptableNumber,
    AuditAction,
    CarrierRegistration,
    Line,
    LineSummary,
    NumberSettings,
    PhoneNumber,
    ProvisionedNumber,
    Seat,
    User,
)
from sms_core.domain.host_events import LineChange
from sms_core.exceptions import (
    AlreadyExistsError,
    InvalidFieldError,
    InvalidInputError,
    NumberNotHeldError,
    SeatRequiredError,
    SmsError,
    StoreConflict,
)
from sms_core.services import host_events
from sms_core.services.line_assignment import LineAssignment, snapshot, unique_ids
from sms_core.services.registration import attach_if_registered
from sms_core.store import Transaction
from sms_core.store import lines as line_store

__all__ = ["NumberAdoption", "UsersByNumber"]

logger = logging.getLogger(__name__)

#: Each adopted number's users, the number as typed or as a ``PhoneNumber``.
UsersByNumber = Mapping[str, Sequence[str]] | Mapping[PhoneNumber, Sequence[str]]


@attrs.define
class NumberAdoption(LineAssignment):
    """Listing and adopting the numbers the account holds at its carrier."""

    def adoptable(self, actor_id: str) -> builtins.list[AdoptableNumber]:
        """The numbers the account holds at its carrier that are no line of any account yet.

        Each says whether its webhooks point somewhere other than the SDK (another system
        still answers its texts or calls), in the carrier's order.

        Raises:
            PermissionDeniedError: When the actor may not manage numbers.
            UnsupportedFeatureError: When the account's carrier cannot list them.
        """
        context = self._context
        inputs.identifier("actor_id", actor_id)
        context.require(actor_id, Action.MANAGE_NUMBERS)
        held = context.hooks.list_numbers(context.account)
        with context.database.transaction() as connection:
            taken = line_store.active_numbers(connection, (number.number for number in held))
        ours = self._webhook_settings()
        return [
            AdoptableNumber(held=number, points_elsewhere=_points_elsewhere(number, ours))
            for number in held
            if number.number not in taken
        ]

    def adopt(
        self,
        actor_id: str,
        numbers: Sequence[str | PhoneNumber],
        *,
        users: UsersByNumber | None = None,
    ) -> builtins.list[LineSummary]:
        """Make numbers the account holds at its carrier lines, as a purchase would.

        Args:
            actor_id: The admin adopting.
            numbers: Numbers :meth:`adoptable` lists, as typed or as ``PhoneNumber``.
            users: For each number (a key as typed or a ``PhoneNumber``), the users who will
                text from it; a number left out gets none, to assign later.

        Returns:
            The new lines, in the order of ``numbers``.

        Raises:
            PermissionDeniedError: When the actor may not manage numbers.
            SeatRequiredError: Under a host with seats; adopt into a seat instead
                (``seats.adopt_number``).
            NumberNotHeldError: When the carrier does not list a number for the account.
            AlreadyExistsError: When a number is a line already, of this or another account.
            InactiveUserError, UserAlreadyHasLineError, LineFullError, UserNotFoundError: As
                the rules of assignment say.
            InvalidInputError: For a number given twice, users for a number not adopted, or
                a user chosen for two numbers.
            UnsupportedFeatureError: When the account's carrier cannot adopt numbers.
        """
        context = self._context
        inputs.identifier("actor_id", actor_id)
        wanted = _chosen(numbers, users)
        actor = context.require(actor_id, Action.MANAGE_NUMBERS)
        if context.policy().seats_enabled:
            raise SeatRequiredError(
                f"under the {context.hooks.host_name} host every number belongs to a seat, "
                "whose allowance counts its texts; adopt each number into a seat "
                "(seats.adopt_number, or 'smsadmin seats adopt SEAT NUMBER')"
            )
        return self._adopt(actor, wanted, seat=None)

    def adopt_into(
        self,
        actor_id: str,
        numbers: Sequence[str | PhoneNumber],
        *,
        seat: Seat | None,
        users: UsersByNumber | None = None,
    ) -> builtins.list[LineSummary]:
        """Adopt numbers as :meth:`adopt` does, for ``seat`` (a seat host's; see ``seats``).

        Raises:
            As :meth:`adopt`, but for ``SeatRequiredError``.
        """
        inputs.identifier("actor_id", actor_id)
        wanted = _chosen(numbers, users)
        actor = self._context.require(actor_id, Action.MANAGE_NUMBERS)
        return self._adopt(actor, wanted, seat=seat)

    def _adopt(
        self, actor: User, wanted: Mapping[PhoneNumber, Sequence[str]], *, seat: Seat | None
    ) -> builtins.list[LineSummary]:
        """Adopt checked numbers for their users; ``actor`` is authorized already."""
        context = self._context
        by_number = {held.number: held for held in context.hooks.list_numbers(context.account)}
        missing = [str(number) for number in wanted if number not in by_number]
        if missing:
            raise NumberNotHeldError(
                f"{context.account.provider} does not list {', '.join(missing)} for account "
                f"{context.account.id!r}; adopt only numbers the adoptable list shows"
            )
        chosen: dict[PhoneNumber, builtins.list[User]] = {}
        with context.database.transaction() as connection:
            taken = line_store.active_numbers(connection, wanted)
            for number, user_ids in wanted.items():
                if number in taken:
                    raise self._already_a_line(connection, number)
                chosen[number] = self._assignable(connection, user_ids)
        for number, users in chosen.items():
            self._check_capacity(number, len(users))
        adopted = self._repoint([by_number[number] for number in wanted])
        lines = []
        for held in adopted:
            attached = attach_if_registered(context, held)
            lines.append(
                Line(
                    id=context.make_id(),
                    account_id=context.account.id,
                    number=held.number,
                    provider_ref=held.provider_ref,
                    registered=attached,
                    carrier_registration=(
                        CarrierRegistration.PENDING
                        if attached
                        else CarrierRegistration.NOT_ATTACHED
                    ),
                    seat_id=seat.id if seat else None,
                )
            )
        try:
            with context.database.transaction() as connection:
                for line in lines:
                    users = chosen[line.number]
                    line_store.insert_line(connection, line, context.now())
                    self._add_users(connection, line, users)
                    if users:
                        host_events.line_changed(
                            context, connection, LineChange.ASSIGNED, line, by=actor
                        )
                    before = by_number[line.number].settings
                    context.audit(
                        connection,
                        actor=actor,
                        action=AuditAction.ADOPT_NUMBER,
                        target=line.number,
                        before={"sms_url": before.sms_url, "voice_url": before.voice_url},
                        after=snapshot(line, users, seat),
                    )
        except Exception as err:
            # The lines were refused: the numbers answer where they did before, but for one
            # another admin adopted meanwhile, which must keep answering at the SDK.
            with context.database.transaction() as connection:
                won = line_store.active_numbers(connection, (held.number for held in adopted))
            self._put_back([held for held in adopted if held.number not in won], by_number)
            if isinstance(err, StoreConflict):
                raise AlreadyExistsError(
                    f"adopting {', '.join(str(line.number) for line in lines)} clashed with a "
                    "concurrent change (a number or user was just taken; the webhooks of the "
                    "numbers not adopted were put back); reload the adoptable numbers and try "
                    "again"
                ) from err
            raise
        return [self.get(line.number) for line in lines]

    # -- steps ---------------------------------------------------------------------------------

    def _repoint(self, held: Sequence[ProvisionedNumber]) -> builtins.list[ProvisionedNumber]:
        """Point every number at the SDK; when one fails, put back those done and raise."""
        context = self._context
        done: builtins.list[ProvisionedNumber] = []
        try:
            for number in held:
                settings = self._webhook_settings()
                done.append(context.hooks.adopt_number(context.account, number, settings))
        except Exception:
            self._put_back(done, {number.number: number for number in held})
            raise
        return done

    def _put_back(
        self,
        adopted: Sequence[ProvisionedNumber],
        before: Mapping[PhoneNumber, ProvisionedNumber],
    ) -> None:
        """Give adopted numbers their earlier webhooks again, as far as the carrier lets us."""
        context = self._context
        for number in adopted:
            earlier = before[number.number]
            try:
                context.hooks.adopt_number(context.account, number, earlier.settings)
            except SmsError:  # logged: the error that undid the adoption matters more
                logger.warning(
                    "could not put back the webhooks of %s after a failed adoption; they "
                    "still point at the SDK",
                    number.number,
                    exc_info=True,
                )

    def _already_a_line(self, connection: Transaction, number: PhoneNumber) -> AlreadyExistsError:
        account_id = self._context.account.id
        if line_store.find_line(connection, account_id, number) is not None:
            return AlreadyExistsError(
                f"{number} is a line of account {account_id!r} already; assign users to it"
            )
        return AlreadyExistsError(
            f"{number} is a line of another account in this SDK database; release it there "
            "before adopting it here"
        )

    def _webhook_settings(self) -> NumberSettings:
        return self._context.webhooks.number_settings(self._context.account)


def _points_elsewhere(number: ProvisionedNumber, ours: NumberSettings) -> bool:
    """Whether the carrier sends the number's texts or calls anywhere but the SDK."""
    held = number.settings
    return (held.sms_url, held.voice_url) != (ours.sms_url, ours.voice_url)


def _chosen(
    numbers: Sequence[str | PhoneNumber],
    users: UsersByNumber | None,
) -> dict[PhoneNumber, builtins.list[str]]:
    """The numbers to adopt, each with its users, checked as given; nothing is looked up."""
    if isinstance(numbers, str | PhoneNumber) or not isinstance(numbers, Sequence):
        raise InvalidFieldError.refused(
            field="numbers", value=inputs.shown(numbers), limit="a list of numbers"
        )
    if not numbers:
        raise InvalidInputError("choose at least one number to adopt")
    wanted: dict[PhoneNumber, builtins.list[str]] = {}
    for index, given in enumerate(numbers):
        number = PhoneNumber.coerce(inputs.number(f"numbers[{index}]", given))
        if number in wanted:
            raise InvalidInputError(f"{number} is given twice; adopt each number once")
        wanted[number] = []
    if users is not None and not isinstance(users, Mapping):
        raise InvalidFieldError.refused(
            field="users", value=inputs.shown(users), limit="a mapping of number to user ids"
        )
    chosen_by: dict[str, PhoneNumber] = {}
    pairs: builtins.list[tuple[str | PhoneNumber, Sequence[str]]] = list((users or {}).items())
    for key, user_ids in pairs:
        number = PhoneNumber.coerce(inputs.number("users", key))
        if number not in wanted:
            raise InvalidInputError(
                f"users are given for {number}, which is not among the numbers to adopt; "
                "add it to the numbers or leave its users out"
            )
        ids = unique_ids(list(inputs.identifiers(f"users[{number}]", user_ids)))
        for user_id in ids:
            if user_id in chosen_by:
                raise InvalidInputError(
                    f"user {user_id!r} is chosen for {chosen_by[user_id]} and {number}; a user "
                    "texts from one line: choose one of them"
                )
            chosen_by[user_id] = number
        wanted[number] = ids
    return wanted
