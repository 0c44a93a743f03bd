"""The account's rule "a consent record before the first text to a number", in one place.

When the account turns it on (``policy.set_consent_required``; off by default), a text to a
number is refused with :class:`~sms_core.exceptions.ConsentRequiredError`, before anything is
stored, unless one of these holds:

* the number has a consent record on the account (any source, any age: the revocation of
  consent is the opt-out, which the opt-out rule refuses on its own);
* the account and the number already have a conversation: a text either way on any of the
  account's lines, released ones included. Then this is not the first text:

  - the candidate texted first. CTIA's Messaging Principles and Best Practices (May 2023,
    section 5.1 "Consumer Consent"; its table is summarised at
    https://www.10dlc.org/en/home/A2PConsent) class a conversation the consumer starts as
    *conversational* messaging: "if the consumer initiates the text message exchange and the
    business only responds to each consumer with relevant information, then no verbal or
    written permission is expected". So a recruiter may answer a candidate who texted in
    without a record. Offers sent afterwards are *informational* or *promotional* messages,
    for which CTIA expects express (written, for promotions) consent: the SDK cannot tell an
    answer from an offer, so an agency records that consent (``consent.record``). CTIA also
    ends implied consent with the conversation; the SDK does not guess when a conversation
    ended, so any earlier text counts;
  - the account texted the number before the rule was turned on: turning the rule on does
    not cut off conversations under way.

The send pipeline asks :func:`consent_refusals` in its check step for a user's text, and the
mass text for each recipient, so single, mass and scheduled texts follow the same rule. The
SDK's own replies (HELP, an opt-out confirmation) answer a text and are never refused.
"""

from __future__ import annotations

from collections.abc import Iterable

from sms_core.domain import PhoneNumber
from sms_core.exceptions import ConsentRequiredError
from sms_core.store import Transaction
from sms_core.store import consent as consent_store

__all__ = ["consent_refusals"]


def consent_refusals(
    connection: Transaction, account_id: str, numbers: Iterable[PhoneNumber]
) -> dict[PhoneNumber, ConsentRequiredError]:
    """The refusal for each of ``numbers`` the rule (see the module) keeps from being texted.

    Empty when the account does not require consent.
    """
    wanted = list(numbers)
    if not wanted or not consent_store.consent_required(connection, account_id):
        return {}
    allowed = consent_store.numbers_with_consent(connection, account_id, wanted)
    rest = [number for number in wanted if number not in allowed]
    allowed |= consent_store.numbers_in_conversation(connection, account_id, rest)
    return {
        number: ConsentRequiredError.missing(number.e164)
        for number in wanted
        if number not in allowed
    }
