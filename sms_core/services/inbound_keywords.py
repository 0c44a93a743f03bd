"""Which keyword an inbound text is: the SDK's reading, the carrier's, the campaign's words.

The SDK reads a text with the default keywords plus those the campaign registered
(:func:`keyword_sets`); a definite reading (opt-out, opt-in, help) wins, else the carrier's own
verdict (:func:`carrier_keyword`), else the SDK's hint (:func:`keyword_of`).
"""

from __future__ import annotations

from sms_core.compliance.keywords import (
    DEFAULT_KEYWORDS,
    KeywordClass,
    KeywordSets,
    classify_keyword,
)
from sms_core.domain import CampaignProfile, InboundMessage

__all__ = ["carrier_keyword", "keyword_of", "keyword_sets"]

_DEFINITE = frozenset({KeywordClass.OPT_OUT, KeywordClass.OPT_IN, KeywordClass.HELP})


def keyword_sets(campaign: CampaignProfile | None) -> KeywordSets:
    """The default keywords, plus the ones the campaign registered with the carrier."""
    if campaign is None:
        return DEFAULT_KEYWORDS
    return DEFAULT_KEYWORDS.including(
        opt_out=campaign.opt_out_keywords,
        opt_in=campaign.opt_in_keywords,
        help=campaign.help_keywords,
    )


def carrier_keyword(event: InboundMessage) -> KeywordClass | None:
    """The keyword the carrier acted on itself (and answered), if the adapter says so.

    An adapter written before ``carrier_keyword`` may still report the verdict as a word in
    the deprecated ``provider_keyword``: that word is read as a whole body with the default
    keywords, so ``"STOP"`` is an opt-out, and anything that is no definite keyword is no
    verdict.
    """
    if event.carrier_keyword is not None or event.provider_keyword is None:
        return event.carrier_keyword
    word = classify_keyword(event.provider_keyword, DEFAULT_KEYWORDS)
    return word if word in _DEFINITE else None


def keyword_of(event: InboundMessage, keywords: KeywordSets) -> KeywordClass | None:
    """What the text asks for: the SDK's definite reading, else the carrier's, else a hint."""
    ours = classify_keyword(event.body, keywords)
    if ours in _DEFINITE:
        return ours
    return carrier_keyword(event) or ours
