"""Twilio's own keyword handling: which inbound texts Twilio acts on and answers itself.

On a US long code Twilio handles opt-out, opt-in and help keywords by default: it blocks or
unblocks the sender and replies with its standard text, then passes the message on to the
webhook. Whether the webhook says so depends on the Messaging Service:

* **Advanced Opt-Out off** (Twilio's default): the webhook carries the plain ``Body`` and no
  ``OptOutType``. Twilio's default keywords are then recognised here, from the body, the way
  Twilio matches them: the whole body is the keyword, in any letter case ("sToP" counts,
  "Stop please" does not).
* **Advanced Opt-Out on** (configured per Messaging Service in the Console): Twilio adds
  ``OptOutType`` (``STOP``, ``START`` or ``HELP``) to the webhook for every keyword it acted
  on, the service's own keywords included, so the field is Twilio's whole verdict.

Sources:

* https://support.twilio.com/hc/en-us/articles/223134027-Twilio-support-for-opt-out-keywords-SMS-STOP-filtering
  (the default lists; single-word messages only; Twilio replies itself);
* https://www.twilio.com/docs/messaging/tutorials/advanced-opt-out (REVOKE and OPTOUT among
  the default opt-out keywords);
* https://support.twilio.com/hc/en-us/articles/31560110671259-How-to-Track-Opt-Out-Opt-In-and-Help-Messages-Using-the-OptOutType-Parameter
  (``OptOutType`` only with Advanced Opt-Out; full body, case-insensitive).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from sms_core.compliance.keywords import KeywordClass

__all__ = ["DEFAULT_KEYWORDS", "OPT_OUT_TYPES", "default_keyword", "twilio_keyword"]

#: The values of ``OptOutType`` (what Twilio did with the text), each in the SDK's words.
OPT_OUT_TYPES: Final[Mapping[str, KeywordClass]] = {
    "STOP": KeywordClass.OPT_OUT,
    "START": KeywordClass.OPT_IN,
    "HELP": KeywordClass.HELP,
}

#: Twilio's default keywords on long codes, each with the ``OptOutType`` it stands for.
DEFAULT_KEYWORDS: Final[Mapping[str, str]] = {
    **dict.fromkeys(
        ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"), "STOP"
    ),
    **dict.fromkeys(("START", "YES", "UNSTOP"), "START"),
    **dict.fromkeys(("HELP", "INFO"), "HELP"),
}


def default_keyword(body: str) -> str | None:
    """The ``OptOutType`` Twilio's default handling gives ``body``, or ``None``.

    The whole body must be the keyword, in any letter case; whitespace around it (a phone
    keyboard's trailing space) is ignored, punctuation is not: "STOP." is no keyword to Twilio.
    """
    return DEFAULT_KEYWORDS.get(body.strip().upper())


def twilio_keyword(fields: Mapping[str, str], *, advanced_opt_out: bool) -> KeywordClass | None:
    """The keyword Twilio acted on (and replied to) for an inbound text's webhook fields.

    Args:
        fields: The webhook's parameters.
        advanced_opt_out: Whether the account's Messaging Service has Advanced Opt-Out; then
            only ``OptOutType`` says what Twilio did, else Twilio's default keywords do.

    Returns:
        The keyword class of Twilio's ``OptOutType`` (``STOP`` is an opt-out, ``START`` an
        opt-in, ``HELP`` a help request), or ``None`` when Twilio left the text alone.
    """
    reported = fields.get("OptOutType", "").strip().upper()
    if reported in OPT_OUT_TYPES:
        return OPT_OUT_TYPES[reported]
    if advanced_opt_out:
        return None
    default = default_keyword(fields.get("Body", ""))
    return None if default is None else OPT_OUT_TYPES[default]
