"""What an inbound text asks for: to stop, to start again, or for help.

The rule (``sms-rules.md`` §3, "Recommended SDK rule"):

1. The body is normalized: NFKC (full-width letters read as ASCII ones), invisible format
   characters such as zero-width spaces dropped, case-folded, runs of whitespace of any kind
   collapsed to one space, and surrounding whitespace and trailing punctuation (``.!?``, the
   ellipsis and every other Unicode punctuation mark) removed.
2. A body that then equals a keyword exactly is an opt-out, opt-in or help request. The sets
   default to the keywords US messaging platforms commonly act on by default (STOP, STOPALL,
   UNSUBSCRIBE, CANCEL, END, QUIT, with REVOKE and OPTOUT added after the FCC rule; START, YES,
   UNSTOP; HELP, INFO; the sources are listed in ``sms-rules.md`` §3), plus the FCC's phrase
   ``opt out``, its hyphenated form ``opt-out`` and the two-word ``stop all``, which some
   platforms accept too.
3. Any other body that contains a revocation word as a whole word (``please stop texting me``,
   ``STOP PLEASE``, ``"STOP"``) is a *possible* opt-out: the FCC treats a reply containing
   "stop", "quit", "end", "revoke", "opt out", "cancel" or "unsubscribe" as a revocation
   (47 CFR 64.1200(a)(10), FCC 24-24), so the app should see it rather than drop it. Words that
   merely contain one (``unstoppable``, ``weekend``) do not count.

Matching is deliberately strict for the three definite classes, as carriers match single
words only, and generous for the possible opt-out, which costs a human glance at most.
Emoji are not punctuation: ``STOP 🛑`` is a possible opt-out, ``👍`` is nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from enum import StrEnum
from typing import Final

import attrs

__all__ = ["DEFAULT_KEYWORDS", "KeywordClass", "KeywordSets", "classify_keyword"]


class KeywordClass(StrEnum):
    """What an inbound text asks for."""

    #: Stop all texts to this number (a STOP keyword or the FCC phrase "opt out").
    OPT_OUT = "opt_out"
    #: Resume texts after an opt-out (START, YES, UNSTOP).
    OPT_IN = "opt_in"
    #: Answer with the campaign's help message (HELP, INFO).
    HELP = "help"
    #: Free text containing a revocation word; may be an opt-out, for the app to review.
    POSSIBLE_OPT_OUT = "possible_opt_out"


_WORD = re.compile(r"\w+")


def _normalize(text: str) -> str:
    """NFKC, drop format characters, case-fold, and collapse and strip whitespace."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return " ".join(text.casefold().split())


def _strip_trailing_punctuation(text: str) -> str:
    end = len(text)
    while end and (text[end - 1].isspace() or unicodedata.category(text[end - 1])[0] == "P"):
        end -= 1
    return text[:end]


def _words(text: str) -> str:
    """The words of a normalized text, joined by single spaces: ``opt-out!`` is ``opt out``."""
    return " ".join(_WORD.findall(text))


def _keywords(values: Iterable[str]) -> frozenset[str]:
    if isinstance(values, str):
        raise TypeError(f"keywords must be a collection of strings, not the string {values!r}")
    keywords = frozenset(_strip_trailing_punctuation(_normalize(value)) for value in values)
    if "" in keywords:
        raise ValueError("a keyword must have at least one visible character")
    return keywords


def _revocation_words(values: Iterable[str]) -> frozenset[str]:
    if isinstance(values, str):
        raise TypeError(f"revocation words must be a collection of strings, not {values!r}")
    words = frozenset(_words(_normalize(value)) for value in values)
    if "" in words:
        raise ValueError("a revocation word must contain at least one letter or digit")
    return words


@attrs.frozen(kw_only=True)
class KeywordSets:
    """The keywords :func:`classify_keyword` recognizes; entries are matched case-insensitively.

    The defaults are the keywords US messaging platforms commonly act on by default (REVOKE and
    OPTOUT added in 2025, after the FCC rule) plus the phrases ``opt out``, ``opt-out`` and
    ``stop all``. An entry may hold spaces: it then matches a body of exactly those words.
    Build another set for a sender whose carrier uses other keywords (custom opt-out words
    configured at the carrier, say).

    Attributes:
        opt_out: Bodies that are an opt-out.
        opt_in: Bodies that lift an opt-out.
        help: Bodies that ask for the help message.
        revocation_words: Words or phrases that make any other body a possible opt-out; by
            default the FCC's per se revocation words (47 CFR 64.1200(a)(10)), the one-word
            STOPALL and OPTOUT, and "opt me out", the CTIA's plain-language example.
    """

    opt_out: frozenset[str] = attrs.field(
        default=frozenset(
            # The common platform defaults (sms-rules.md §3).
            {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"}
            # The FCC's phrase, its hyphenated form, and the two-word STOPALL.
            | {"opt out", "opt-out", "stop all"}
        ),
        converter=_keywords,
    )
    opt_in: frozenset[str] = attrs.field(
        default=frozenset({"start", "yes", "unstop"}), converter=_keywords
    )
    help: frozenset[str] = attrs.field(default=frozenset({"help", "info"}), converter=_keywords)
    revocation_words: frozenset[str] = attrs.field(
        default=frozenset(
            # The FCC's words.
            {"stop", "quit", "end", "revoke", "opt out", "cancel", "unsubscribe"}
            # The one-word forms, and the CTIA's plain-language example.
            | {"stopall", "optout", "opt me out"}
        ),
        converter=_revocation_words,
    )

    def including(
        self,
        *,
        opt_out: Iterable[str] = (),
        opt_in: Iterable[str] = (),
        help: Iterable[str] = (),
    ) -> KeywordSets:
        """These sets with more keywords, such as the ones a campaign registered.

        A keyword that would have two meanings keeps the safer one: opt-out over help, and
        help over opt-in, so a candidate's opt-out is never read as anything else.
        """
        opt_outs = self.opt_out | _keywords(opt_out)
        helps = (self.help | _keywords(help)) - opt_outs
        opt_ins = (self.opt_in | _keywords(opt_in)) - opt_outs - helps
        return attrs.evolve(self, opt_out=opt_outs, opt_in=opt_ins, help=helps)

    def __attrs_post_init__(self) -> None:
        pairs = (
            ("opt_out", self.opt_out, "opt_in", self.opt_in),
            ("opt_out", self.opt_out, "help", self.help),
            ("opt_in", self.opt_in, "help", self.help),
        )
        for first, first_set, second, second_set in pairs:
            if shared := first_set & second_set:
                raise ValueError(
                    f"keywords {sorted(shared)} are in both {first} and {second}; "
                    "a keyword may have one meaning only"
                )


#: The common platform default keywords plus the FCC phrase "opt out"; see :class:`KeywordSets`.
DEFAULT_KEYWORDS: Final = KeywordSets()


def classify_keyword(body: str, keywords: KeywordSets = DEFAULT_KEYWORDS) -> KeywordClass | None:
    """Classify an inbound text as an opt-out, opt-in or help request, or a possible opt-out.

    Args:
        body: The inbound text as received.
        keywords: The keyword sets to match against; :data:`DEFAULT_KEYWORDS` unless given.

    Returns:
        The class, or ``None`` for an ordinary message (an empty one included).
    """
    text = _strip_trailing_punctuation(_normalize(body))
    if text in keywords.opt_out:
        return KeywordClass.OPT_OUT
    if text in keywords.opt_in:
        return KeywordClass.OPT_IN
    if text in keywords.help:
        return KeywordClass.HELP
    # Padding with spaces makes the containment test match whole words only.
    padded = f" {_words(text)} "
    if any(f" {word} " in padded for word in keywords.revocation_words):
        return KeywordClass.POSSIBLE_OPT_OUT
    return None
