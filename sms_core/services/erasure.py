"""Erasure: a candidate's number and texts removed on request, and never texted again.

``erase`` takes a number, ``erase_candidate`` the host's candidate id (every number the
account's messages attribute to the candidate). In one transaction, from every table that holds
them (:data:`sms_core.store.erasure.ERASERS`): message bodies become :data:`ERASED_BODY` and
the number :data:`ERASED_NUMBER`, in messages, the audit trail and host events (which keep
their shape, so one still undelivered is delivered with the markers); a text stored but never
handed to the carrier is marked failed, so recovery never sends it. The number's opt-outs keep
only a keyed hash of it (see :mod:`sms_core.store.erasure` for the key), and the number gets
an opt-out in force (:attr:`OptOutSource.ERASURE`) if it had none: every send's opt-out check
matches the hash, so the candidate is never texted again, unless they text START or an admin
lifts the opt-out with a reason.

What stays: each message's row (when, which line, which user, its status, the carrier's id and
the host's candidate id), so counts and allowances still add up; and on the audit trail, that
an erasure happened, by whom, when and how many rows it changed, without the number. The
carrier's own copy of the texts is the carrier's to erase.

Erasing needs the host's admin permission (``Action.MANAGE_NUMBERS``). Erasing a number again
changes nothing (and is recorded again).
"""

from __future__ import annotations

import attrs

from sms_core import inputs
from sms_core.domain import (
    ERASED_NUMBER,
    Action,
    AuditAction,
    ErasureReport,
    OptOut,
    OptOutSource,
    PhoneNumber,
    User,
)
from sms_core.services.context import AccountContext
from sms_core.services.send_checks import parse_number
from sms_core.store import Transaction
from sms_core.store import erasure as erasure_store
from sms_core.store import optouts as optout_store

__all__ = ["Erasure"]


@attrs.define
class Erasure:
    """Erasing candidates' numbers and texts from the account."""

    _context: AccountContext

    def erase(self, actor_id: str, number: str | PhoneNumber) -> ErasureReport:
        """Erase a candidate's number and texts, and block the number for good.

        Args:
            actor_id: The admin erasing.
            number: The candidate's number.

        Returns:
            How many rows changed, by table; all zero when it was erased already.

        Raises:
            InvalidPhoneNumberError: When ``number`` is not valid.
            PermissionDeniedError: When the host does not let the actor manage numbers.
        """
        inputs.identifier("actor_id", actor_id)
        inputs.number("number", number)
        wanted = parse_number(number)
        actor = self._context.require(actor_id, Action.MANAGE_NUMBERS)
        with self._context.database.transaction() as connection:
            return self._erase(connection, actor, [wanted], target=ERASED_NUMBER)

    def erase_candidate(self, actor_id: str, candidate_id: str) -> ErasureReport:
        """Erase every number the account's messages attribute to the host's candidate.

        The candidate id stays on the erased messages: it is the host's, and the host erases
        its own record of the candidate.

        Returns:
            How many rows changed, by table; all zero when nothing of theirs is left.

        Raises:
            InvalidFieldError: When ``candidate_id`` is not an id.
            PermissionDeniedError: When the host does not let the actor manage numbers.
        """
        inputs.identifier("actor_id", actor_id)
        inputs.identifier("candidate_id", candidate_id)
        actor = self._context.require(actor_id, Action.MANAGE_NUMBERS)
        with self._context.database.transaction() as connection:
            found = erasure_store.candidate_numbers(
                connection, self._context.account.id, candidate_id
            )
            numbers = [PhoneNumber(e164=e164) for e164 in found]
            return self._erase(connection, actor, numbers, target=candidate_id)

    def _erase(
        self, connection: Transaction, actor: User, numbers: list[PhoneNumber], *, target: str
    ) -> ErasureReport:
        context, account_id, now = self._context, self._context.account.id, self._context.now()
        rows = dict.fromkeys(erasure_store.ERASERS, 0)
        key = erasure_store.account_key(connection, account_id, now=now)
        assert key is not None  # made when missing, as ``now`` is given
        for number in numbers:
            optout_store.insert_opt_out(
                connection,
                account_id,
                OptOut(number=number, opted_out_at=now, source=OptOutSource.ERASURE),
            )
            erased = erasure_store.erase_number(connection, account_id, number.e164, key)
            for table, count in erased.items():
                rows[table] += count
        context.audit(
            connection,
            actor=actor,
            action=AuditAction.ERASE,
            target=target,
            before=None,
            after={"numbers": len(numbers), "rows": rows},
        )
        return ErasureReport(at=now, by=actor.id, rows=rows)
