"""Consent records: how and when candidates agreed to be texted, kept as history.

A user records consent the candidate gave on a web form, on paper or out loud
(:meth:`ConsentRecords.record`, which needs the texting permission: whoever texts candidates
records their consent); a candidate who texts an opt-in keyword (START) records it themselves
(:func:`record_keyword_consent`, called by the inbound path). Records are never changed or
removed: a new one is added beside the earlier ones, and the revocation is the opt-out
(:mod:`sms_core.services.optouts`), shown beside each record in :meth:`ConsentRecords.list_page`.

Whether a first text needs a record is the account's setting
(:meth:`~sms_core.services.policy_settings.PolicySettingsAdmin.set_consent_required`); the
rule itself is :mod:`sms_core.services.consent_rule`.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import cast

import attrs

from sms_core import inputs
from sms_core.domain import (
    KEYWORD_RECORDER,
    Action,
    AuditAction,
    ConsentRecord,
    ConsentSource,
    ConsentStanding,
    Line,
    Page,
    PhoneNumber,
)
from sms_core.exceptions import InvalidInputError
from sms_core.services.context import AccountContext
from sms_core.services.paging import Listing, page_size
from sms_core.store import Transaction
from sms_core.store import consent as consent_store
from sms_core.store import messages as message_store
from sms_core.store import optouts as optout_store

__all__ = ["ConsentRecords", "record_keyword_consent"]

# The sources a user may record; a keyword's consent is recorded by the SDK when it arrives.
_USER_SOURCES = tuple(
    source for source in ConsentSource if source is not ConsentSource.TEXT_KEYWORD
)


def record_keyword_consent(
    context: AccountContext, connection: Transaction, number: PhoneNumber, keyword: str, line: Line
) -> ConsentRecord:
    """Record the consent of a candidate who texted an opt-in keyword, in the caller's transaction.

    The record names the candidate the line last texted at that number, if any.

    Args:
        number: The candidate's number.
        keyword: What they texted, kept as the evidence (cut to ``EVIDENCE_LENGTH``).
        line: The account's line they texted.
    """
    account_id = context.account.id
    record = ConsentRecord(
        id=context.make_id(),
        number=number,
        candidate_id=message_store.last_candidate_id(
            connection, account_id, line.number.e164, number.e164
        ),
        source=ConsentSource.TEXT_KEYWORD,
        recorded_by=KEYWORD_RECORDER,
        evidence=keyword.strip()[: inputs.EVIDENCE_LENGTH],
        recorded_at=context.now(),
        line=line.number,
    )
    consent_store.insert_consent(connection, account_id, record)
    return record


@attrs.define
class ConsentRecords:
    """The account's consent records: recorded, listed beside opt-outs, streamed for export."""

    _context: AccountContext

    def record(
        self,
        actor_id: str,
        number: str | PhoneNumber,
        *,
        source: ConsentSource | str,
        evidence: str,
        candidate_id: str | None = None,
    ) -> ConsentRecord:
        """Record how a candidate agreed to texts; earlier records of the number stay.

        Recording consent does not lift an opt-out: a candidate who opted out is texted again
        only after texting START, or an admin's lift (``optouts.lift``) with the reason.

        Args:
            actor_id: The user recording it, whom the host must allow to text candidates
                (``Action.SEND_MESSAGE``).
            number: The candidate's number.
            source: ``"web_form"``, ``"paper"`` or ``"verbal"`` (a keyword's consent is
                recorded when the candidate texts it).
            evidence: What shows it: the form's reference or URL, where the paper is kept, a
                note of the call. Required, at most ``EVIDENCE_LENGTH`` characters.
            candidate_id: The host's candidate, when known.

        Returns:
            The stored record.

        Raises:
            InvalidFieldError: When an argument has the wrong type, is too long, or holds
                characters that cannot be stored.
            InvalidPhoneNumberError: When ``number`` is not valid.
            InvalidInputError: For an unknown source, ``text_keyword``, or blank evidence.
            UserNotFoundError: When the account has no such user.
            PermissionDeniedError: When the host does not let the actor text candidates.
        """
        context = self._context
        inputs.identifier("actor_id", actor_id)
        inputs.number("number", number)
        inputs.optional_identifier("candidate_id", candidate_id)
        inputs.text("evidence", evidence, max_length=inputs.EVIDENCE_LENGTH)
        wanted = PhoneNumber.coerce(number)
        given = _user_source(source)
        if not evidence.strip():
            raise InvalidInputError(
                f"recording the consent of {wanted} needs evidence: the form's reference, where "
                "the signed paper is kept, or a note of the call; pass evidence='...'"
            )
        actor = context.require(actor_id, Action.SEND_MESSAGE)
        record = ConsentRecord(
            id=context.make_id(),
            number=wanted,
            candidate_id=candidate_id,
            source=given,
            recorded_by=actor.id,
            evidence=evidence.strip(),
            recorded_at=context.now(),
        )
        with context.database.transaction() as connection:
            consent_store.insert_consent(connection, context.account.id, record)
            context.audit(
                connection,
                actor=actor,
                action=AuditAction.RECORD_CONSENT,
                target=wanted,
                before=None,
                after={
                    "id": record.id,
                    "source": record.source.value,
                    "candidate_id": candidate_id,
                    "evidence": record.evidence,
                },
            )
        return record

    def of(self, viewer_id: str, number: str | PhoneNumber) -> builtins.list[ConsentRecord]:
        """The number's consent records, oldest first; empty when it has none.

        Args:
            viewer_id: The user reading them, whom the host must allow ``Action.VIEW_HISTORY``.
            number: The candidate's number.

        Raises:
            InvalidPhoneNumberError: When ``number`` is not valid.
            PermissionDeniedError: When the host does not let the viewer see message history.
        """
        inputs.identifier("viewer_id", viewer_id)
        inputs.number("number", number)
        wanted = PhoneNumber.coerce(number)
        self._context.require(viewer_id, Action.VIEW_HISTORY)
        with self._context.database.transaction() as connection:
            return consent_store.consent_history(connection, self._context.account.id, wanted)

    def has_consent(self, number: str | PhoneNumber) -> bool:
        """Whether ``number`` has a consent record; it names no viewer, as ``is_opted_out``.

        Raises:
            InvalidFieldError: When ``number`` is not text or a ``PhoneNumber``.
            InvalidPhoneNumberError: When it is not a valid number.
        """
        inputs.number("number", number)
        wanted = PhoneNumber.coerce(number)
        with self._context.database.transaction() as connection:
            found = consent_store.numbers_with_consent(
                connection, self._context.account.id, [wanted]
            )
        return wanted in found

    def list_page(
        self, viewer_id: str, *, limit: int | None = None, cursor: str | None = None
    ) -> Page[ConsentStanding]:
        """A page of the account's consent records, newest first, each beside its opt-out.

        Args:
            viewer_id: The user reading them, whom the host must allow ``Action.VIEW_HISTORY``.
            limit: The most records on the page: 1 to ``PAGE_SIZE_MAX``, by default
                ``PAGE_SIZE_DEFAULT`` (:mod:`sms_core.inputs`).
            cursor: The ``next_cursor`` of the previous page; ``None`` for the first.

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
            InvalidFieldError: When ``limit`` is out of range.
            InvalidCursorError: When ``cursor`` is not one a page of this list returned.
        """
        inputs.identifier("viewer_id", viewer_id)
        size = page_size(limit)
        listing = Listing(name="consent", shape=(int,))
        after = listing.start(cursor)
        self._context.require(viewer_id, Action.VIEW_HISTORY)
        account_id = self._context.account.id
        with self._context.database.transaction() as connection:
            found = consent_store.consent_page(
                connection,
                account_id,
                after=cast("tuple[int] | None", after),  # Listing checked its shape
                limit=size + 1,
            )
            opted_out = optout_store.in_force(
                connection, account_id, {record.number for _, record in found}
            )
        standing = [
            (key, ConsentStanding(record=record, opt_out=opted_out.get(record.number)))
            for key, record in found
        ]
        return listing.page(standing, size)

    @contextmanager
    def stream(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[Iterator[ConsentRecord]]:
        """The account's records recorded in ``[since, until)``, oldest first, streamed.

        For the export: memory stays flat however many there are. Use it as a context
        manager; the records are read while the block runs::

            with account.consent.stream(since, until) as records:
                for record in records:
                    ...

        Raises:
            InvalidInputError: When a time has no time zone.
        """
        for name, moment in (("since", since), ("until", until)):
            if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
                raise InvalidInputError(
                    f"{name}={moment.isoformat()} has no time zone; pass an aware datetime, "
                    "such as datetime(2026, 1, 5, tzinfo=UTC)"
                )
        with self._context.database.transaction() as connection:
            yield consent_store.iter_consent(connection, self._context.account.id, since, until)


def _user_source(source: object) -> ConsentSource:
    """The source a user records, refused when unknown or a keyword."""
    try:
        given = ConsentSource(source) if isinstance(source, str) else None
    except ValueError:
        given = None
    if given is None or given is ConsentSource.TEXT_KEYWORD:
        known = ", ".join(repr(member.value) for member in _USER_SOURCES)
        raise InvalidInputError(
            f"consent source {inputs.shown(source)} cannot be recorded by a user; use one of "
            f"{known} (consent by keyword is recorded when the candidate texts START)"
        )
    return given
