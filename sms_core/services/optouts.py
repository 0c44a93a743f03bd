"""Opt-outs: numbers that asked not to be texted, blocked on every line of the account.

A candidate who texts an opt-out keyword to any line is blocked on all of them: from the
candidate's side the agency is one sender, whichever recruiter's number they replied to. The
block is lifted when the candidate texts an opt-in keyword, or by a user who records why
(consent given again by other means); lifting needs the admin permission, since it overrides
the candidate's own word. The SDK's block is lifted at once, but a carrier that blocked the
number itself (its own STOP handling) keeps refusing until the candidate texts START; such a
send fails with the carrier's opt-out code and is recorded as a carrier opt-out again.

Every outbound text (a single one, each recipient of a mass text, a text recovery sends) is
refused through :func:`opt_out_refusals`, so the rule and its wording live here once.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import datetime
from typing import cast

import attrs

from sms_core import inputs
from sms_core.domain import Action, AuditAction, OptOut, OptOutSource, Page, PhoneNumber
from sms_core.exceptions import (
    CandidateOptedOutError,
    InvalidFieldError,
    InvalidInputError,
    OptOutNotFoundError,
)
from sms_core.services import host_events
from sms_core.services.context import AccountContext
from sms_core.services.paging import Listing, page_size
from sms_core.store import Transaction
from sms_core.store import optouts as optout_store

__all__ = ["OptOuts", "opt_out_refusals", "opted_out_error"]


def opt_out_refusals(
    connection: Transaction, account_id: str, numbers: Iterable[PhoneNumber]
) -> dict[PhoneNumber, CandidateOptedOutError]:
    """The refusal for each of ``numbers`` that has an opt-out in force on the account.

    A number opted out on one line is refused on every line of the account.
    """
    in_force = optout_store.in_force(connection, account_id, list(numbers))
    return {number: opted_out_error(opt_out) for number, opt_out in in_force.items()}


def opted_out_error(opt_out: OptOut) -> CandidateOptedOutError:
    """The refusal for texting a number that opted out, saying how it may be texted again."""
    how = {
        OptOutSource.KEYWORD: f"texted {opt_out.keyword!r}" if opt_out.keyword else "opted out",
        OptOutSource.CARRIER: "opted out at the carrier",
        OptOutSource.HOST: "opted out through the host",
        OptOutSource.ERASURE: "was erased at the candidate's request",
    }[opt_out.source]
    return CandidateOptedOutError(
        f"{opt_out.number} {how} on {opt_out.opted_out_at:%Y-%m-%d %H:%M} UTC and cannot be "
        "texted from any line of the account; only the candidate's opt-in (START) or an "
        "admin's lift with a recorded reason allows it again",
        number=opt_out.number.e164,
        opted_out_at=opt_out.opted_out_at,
    )


@attrs.define
class OptOuts:
    """The account's opt-outs: listed, checked, recorded and lifted."""

    _context: AccountContext

    def list(self, viewer_id: str, *, include_lifted: bool = False) -> builtins.list[OptOut]:
        """The opt-outs in force, oldest first; with ``include_lifted``, lifted ones too.

        Args:
            viewer_id: The user reading them, whom the host must allow
                ``Action.VIEW_HISTORY``: an opt-out holds the candidate's number and what they
                wrote.

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
        """
        self._context.require(viewer_id, Action.VIEW_HISTORY)
        with self._context.database.transaction() as connection:
            return optout_store.list_opt_outs(
                connection, self._context.account.id, include_lifted=include_lifted
            )

    def page(
        self,
        viewer_id: str,
        *,
        include_lifted: bool = False,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[OptOut]:
        """A page of :meth:`list`, oldest first; pass ``next_cursor`` back for the next.

        Args:
            viewer_id: The user reading them, whom the host must allow ``Action.VIEW_HISTORY``.
            include_lifted: Lifted opt-outs too (a cursor of one choice does not continue the
                other).
            limit: The most opt-outs on the page: 1 to ``PAGE_SIZE_MAX``, by default
                ``PAGE_SIZE_DEFAULT`` (:mod:`sms_core.inputs`).
            cursor: The ``next_cursor`` of the previous page; ``None`` for the first.

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
            InvalidFieldError: When ``limit`` is out of range or ``include_lifted`` not a bool.
            InvalidCursorError: When ``cursor`` is not one a page of this list returned.
        """
        inputs.identifier("viewer_id", viewer_id)
        inputs.flag("include_lifted", include_lifted)
        size = page_size(limit)
        listing = Listing(
            name="opt-outs", scope="all" if include_lifted else "in force", shape=(int,)
        )
        after = listing.start(cursor)
        self._context.require(viewer_id, Action.VIEW_HISTORY)
        with self._context.database.transaction() as connection:
            found = optout_store.opt_out_page(
                connection,
                self._context.account.id,
                include_lifted=include_lifted,
                after=cast("tuple[int] | None", after),  # Listing checked its shape
                limit=size + 1,
            )
        return listing.page(found, size)

    def get(self, viewer_id: str, number: str | PhoneNumber) -> OptOut | None:
        """The number's opt-out in force, if it has one.

        Args:
            viewer_id: The user reading it, whom the host must allow ``Action.VIEW_HISTORY``.
            number: The candidate's number.

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
            InvalidPhoneNumberError: When ``number`` is not valid.
        """
        self._context.require(viewer_id, Action.VIEW_HISTORY)
        return self._in_force(PhoneNumber.coerce(number))

    def is_opted_out(self, number: str | PhoneNumber) -> bool:
        """Whether texts to ``number`` are refused.

        It names no viewer: a host asks it before offering to text a number, and the answer
        says no more than a refused send would.
        """
        return self._in_force(PhoneNumber.coerce(number)) is not None

    def _in_force(self, number: PhoneNumber) -> OptOut | None:
        with self._context.database.transaction() as connection:
            return optout_store.in_force(connection, self._context.account.id, [number]).get(number)

    def record(
        self,
        number: str | PhoneNumber,
        *,
        source: OptOutSource | str,
        keyword: str | None,
        at: datetime,
        line: PhoneNumber | None = None,
    ) -> OptOut:
        """Block ``number`` on every line of the account.

        Recording a number that is already blocked keeps the earlier opt-out.

        Args:
            source: How it was learned (``"keyword"``, ``"carrier"``, ``"host"``).
            keyword: The candidate's text, for a keyword opt-out.
            at: When the candidate opted out.
            line: The account's number it concerns, when known.

        Returns:
            The opt-out in force.

        Raises:
            InvalidInputError: For an unknown source, or a time without its time zone.
            InvalidFieldError: When the number or keyword is not text that can be stored.
        """
        inputs.number("number", number)
        if keyword is not None:
            inputs.text("keyword", keyword, max_length=inputs.BODY_TEXT_LENGTH)
        if not isinstance(at, datetime):
            raise InvalidFieldError.refused(
                field="at", value=inputs.shown(at), limit="an aware datetime.datetime"
            )
        if at.tzinfo is None or at.utcoffset() is None:
            raise InvalidInputError(
                f"the opt-out time {at.isoformat()} has no time zone; pass an aware datetime, "
                "such as datetime(2026, 1, 5, tzinfo=UTC)"
            )
        try:
            learned = OptOutSource(source)
        except ValueError:
            known = ", ".join(repr(member.value) for member in OptOutSource)
            raise InvalidInputError(
                f"opt-out source {source!r} is unknown; use one of {known}"
            ) from None
        opt_out = OptOut(
            number=PhoneNumber.coerce(number),
            opted_out_at=at,
            source=learned,
            keyword=keyword,
            line=line,
        )
        with self._context.database.transaction() as connection:
            return host_events.record_opt_out(self._context, connection, opt_out)

    def lift(self, actor_id: str, number: str | PhoneNumber, *, reason: str) -> OptOut:
        """Lift a number's opt-out, recording who lifted it, when and why.

        Args:
            actor_id: The admin lifting it.
            reason: Why the number may be texted again (how consent was given); required.

        Returns:
            The lifted opt-out.

        Raises:
            InvalidInputError: When ``reason`` is empty.
            PermissionDeniedError: When the actor may not manage numbers.
            OptOutNotFoundError: When the number has no opt-out in force.
            InvalidFieldError: When an argument is not text that can be stored.
        """
        context = self._context
        inputs.identifier("actor_id", actor_id)
        inputs.number("number", number)
        inputs.text("reason", reason, max_length=inputs.REASON_LENGTH)
        wanted = PhoneNumber.coerce(number)
        if not reason.strip():
            raise InvalidInputError(
                f"lifting the opt-out of {wanted} needs a reason, such as how the candidate "
                "gave consent again; pass reason='...'"
            )
        actor = context.require(actor_id, Action.MANAGE_NUMBERS)
        with context.database.transaction() as connection:
            lifted = host_events.lift_opt_out(
                context, connection, wanted, by=actor.id, reason=reason.strip()
            )
            if lifted is None:
                raise OptOutNotFoundError(
                    f"{wanted} has no opt-out in force in account {context.account.id!r}; "
                    "list the opt-outs to see which numbers do"
                )
            context.audit(
                connection,
                actor=actor,
                action=AuditAction.LIFT_OPT_OUT,
                target=wanted,
                before={"opted_out_at": lifted.opted_out_at.isoformat(), "source": lifted.source},
                after={"reason": lifted.lift_reason},
            )
        return lifted
