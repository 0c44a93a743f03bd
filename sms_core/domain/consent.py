"""Consent records: how and when a candidate agreed to be texted.

Consent is kept as history: each record is one time a candidate agreed (on a web form, on
paper, out loud to a recruiter, or by texting an opt-in keyword), and a new record never
replaces an older one. Its revocation is the opt-out (:class:`~sms_core.domain.OptOut`),
which blocks the number whatever consent was recorded before.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import attrs

from sms_core.domain.messaging import OptOut
from sms_core.domain.phone import PhoneNumber

__all__ = ["KEYWORD_RECORDER", "ConsentRecord", "ConsentSource", "ConsentStanding"]

#: Who :attr:`ConsentRecord.recorded_by` names when the candidate's own opt-in text recorded it.
KEYWORD_RECORDER = "keyword"


class ConsentSource(StrEnum):
    """How the candidate gave consent."""

    #: A web form the candidate filled in (an application, a job board's opt-in box).
    WEB_FORM = "web_form"
    #: A signed paper form.
    PAPER = "paper"
    #: Said to a recruiter (on the phone, in person); the recruiter records it.
    VERBAL = "verbal"
    #: The candidate texted an opt-in keyword (START) to one of the account's lines.
    TEXT_KEYWORD = "text_keyword"


@attrs.frozen(kw_only=True)
class ConsentRecord:
    """One time a candidate agreed to texts from the account.

    Attributes:
        id: The record's identifier.
        number: The candidate's number the consent covers.
        candidate_id: The host's candidate, when known.
        source: How consent was given.
        recorded_by: The user who recorded it, or :data:`KEYWORD_RECORDER` for a keyword.
        evidence: What shows it: the form's reference, a note of the call, the text received.
        recorded_at: When it was recorded (the SDK's clock).
        line: The account's number an opt-in keyword was texted to, when that is how.
    """

    id: str
    number: PhoneNumber
    candidate_id: str | None = None
    source: ConsentSource
    recorded_by: str
    evidence: str
    recorded_at: datetime
    line: PhoneNumber | None = None


@attrs.frozen(kw_only=True)
class ConsentStanding:
    """A consent record, shown beside its number's opt-out in force.

    Attributes:
        record: The consent record.
        opt_out: The number's opt-out in force now, if any: it blocks texts whatever consent
            was recorded, until the candidate texts START or an admin lifts it.
    """

    record: ConsentRecord
    opt_out: OptOut | None = None

    @property
    def opted_out(self) -> bool:
        """Whether the number is opted out now (consent revoked, or never texted again)."""
        return self.opt_out is not None
