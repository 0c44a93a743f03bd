"""Tests for inbound keyword classification (sms-rules.md §3)."""

from __future__ import annotations

import pytest

from sms_core.compliance.keywords import (
    DEFAULT_KEYWORDS,
    KeywordClass,
    KeywordSets,
    classify_keyword,
)

TWILIO_OPT_OUT = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]
TWILIO_OPT_IN = ["START", "YES", "UNSTOP"]
TWILIO_HELP = ["HELP", "INFO"]


def spellings(keyword: str) -> list[str]:
    """The ways a person or phone may send one keyword: case, padding, trailing punctuation."""
    lower = keyword.lower()
    return [
        keyword,
        lower,
        keyword.capitalize(),
        f"  {lower}\n",
        f"{keyword}.",
        f"{keyword.capitalize()}!!",
        f"{lower}?",
        f"{keyword} !",
        f"{lower}…",
        f"\u00a0{keyword}\u3000",
    ]


class TestKeywordClass:
    """The vocabulary's values are the strings the issue names."""

    def test_values(self) -> None:
        """Three definite classes and a softer one that is none of them."""
        assert ["opt_out", "opt_in", "help", "possible_opt_out"] == [str(k) for k in KeywordClass]

    def test_compares_to_plain_strings(self) -> None:
        """A StrEnum member equals its value."""
        assert "opt_out" == classify_keyword("STOP")


class TestDefaultKeywords:
    """Every Twilio default keyword, however it is typed."""

    @pytest.mark.parametrize("body", [s for k in TWILIO_OPT_OUT for s in spellings(k)])
    def test_opt_out(self, body: str) -> None:
        """STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE and OPTOUT opt out."""
        assert KeywordClass.OPT_OUT is classify_keyword(body)

    @pytest.mark.parametrize("body", [s for k in TWILIO_OPT_IN for s in spellings(k)])
    def test_opt_in(self, body: str) -> None:
        """START, YES and UNSTOP opt back in."""
        assert KeywordClass.OPT_IN is classify_keyword(body)

    @pytest.mark.parametrize("body", [s for k in TWILIO_HELP for s in spellings(k)])
    def test_help(self, body: str) -> None:
        """HELP and INFO ask for help."""
        assert KeywordClass.HELP is classify_keyword(body)

    @pytest.mark.parametrize(
        "body",
        ["opt out", "OPT OUT", "Opt Out.", "opt   out!", "opt\u00a0out", "OPT-OUT", "Opt-out"],
    )
    def test_fcc_phrase_opt_out(self, body: str) -> None:
        """The FCC phrase, with a space or a hyphen, is an opt-out even though Twilio skips it."""
        assert KeywordClass.OPT_OUT is classify_keyword(body)

    @pytest.mark.parametrize("body", ["stop all", "STOP ALL", "Stop All!", "stop\tall"])
    def test_stop_all(self, body: str) -> None:
        """The two-word STOPALL is an opt-out."""
        assert KeywordClass.OPT_OUT is classify_keyword(body)


class TestNormalization:
    """What is ignored before matching, and what is not."""

    @pytest.mark.parametrize(
        "body",
        [
            "\u200bSTOP",  # zero-width space before
            "STOP\ufeff",  # byte order mark after
            "ＳＴＯＰ",  # noqa: RUF001 (full-width letters, on purpose)
            "stop。",  # ideographic full stop
            "STOP！",  # noqa: RUF001 (full-width exclamation mark, on purpose)
            "STOP...",
            "Stop?!",
            "stop)",
        ],
    )
    def test_invisible_and_compatibility_characters(self, body: str) -> None:
        """Format characters, full-width forms and any trailing punctuation are ignored."""
        assert KeywordClass.OPT_OUT is classify_keyword(body)

    @pytest.mark.parametrize("body", ["\u201cSTOP\u201d", "-stop", "*STOP*", "#stop"])
    def test_leading_punctuation_is_kept(self, body: str) -> None:
        """Only trailing punctuation is stripped; the rest still flags a possible opt-out."""
        assert KeywordClass.POSSIBLE_OPT_OUT is classify_keyword(body)

    def test_german_sharp_s_case_folds(self) -> None:
        """Case folding, not lower-casing: a host keyword with ß matches SS."""
        keywords = KeywordSets(opt_out={"stop", "schluss"})
        assert KeywordClass.OPT_OUT is classify_keyword("SCHLUSS", keywords)
        assert KeywordClass.OPT_OUT is classify_keyword("Schluß", keywords)


class TestPossibleOptOut:
    """Free text with a revocation word is surfaced, never treated as a definite opt-out."""

    @pytest.mark.parametrize(
        "body",
        [
            "STOP PLEASE",
            "please stop texting me",
            "PLEASE CANCEL",
            "I want to unsubscribe",
            "Quit messaging me!",
            "I revoke my consent",
            "please opt me out",
            "opt-out please",
            "I want to opt out of these",
            "STOPALL now",
            "stop stop stop",
            "Stop, wrong number",
            "STOP 🛑",
            "The end.",
            "Stop. Now.",
        ],
    )
    def test_possible(self, body: str) -> None:
        """A reasonable person could read each as a revocation (47 CFR 64.1200(a)(10))."""
        assert KeywordClass.POSSIBLE_OPT_OUT is classify_keyword(body)

    def test_is_none_of_the_three(self) -> None:
        """The softer class is distinct from opt-out, opt-in and help."""
        definite = {KeywordClass.OPT_OUT, KeywordClass.OPT_IN, KeywordClass.HELP}
        assert KeywordClass.POSSIBLE_OPT_OUT not in definite


class TestNotKeywords:
    """Ordinary messages are nothing."""

    @pytest.mark.parametrize(
        "body",
        [
            "",
            "   ",
            "\n\t",
            "...",
            "🛑",
            "👍",
            "yesterday",
            "unstoppable",
            "Yes please, I can start Monday",
            "help me find the address?",
            "What's the info on the shift?",
            "I stopped by the office",
            "See you at the weekend",
            "Sounds good",
            "Yes 👍",
            "STOPP",
            "opt",
        ],
    )
    def test_none(self, body: str) -> None:
        """No exact keyword and no revocation word as a whole word."""
        assert None is classify_keyword(body)


class TestKeywordSets:
    """Keyword sets are configurable data with Twilio's defaults."""

    def test_defaults_are_twilio_plus_fcc(self) -> None:
        """Twilio's defaults, plus the FCC phrase, its hyphenated form and stop all."""
        expected_opt_out = {k.lower() for k in TWILIO_OPT_OUT} | {"opt out", "opt-out", "stop all"}
        assert expected_opt_out == DEFAULT_KEYWORDS.opt_out
        assert {k.lower() for k in TWILIO_OPT_IN} == DEFAULT_KEYWORDS.opt_in
        assert {k.lower() for k in TWILIO_HELP} == DEFAULT_KEYWORDS.help
        assert {
            "stop",
            "quit",
            "end",
            "revoke",
            "opt out",
            "cancel",
            "unsubscribe",
            "stopall",
            "optout",
            "opt me out",
        } == DEFAULT_KEYWORDS.revocation_words

    def test_entries_are_normalized(self) -> None:
        """Entries are normalized like bodies; revocation words become plain words."""
        keywords = KeywordSets(opt_out={" ARRET! ", "Opt  Out"}, revocation_words={"Opt-Out!"})
        assert {"arret", "opt out"} == keywords.opt_out
        assert {"opt out"} == keywords.revocation_words

    def test_custom_sets_replace_defaults(self) -> None:
        """A host's own sets are used instead of Twilio's."""
        keywords = KeywordSets(opt_out={"arret", "stop"}, opt_in={"start"}, help={"aide"})
        assert KeywordClass.OPT_OUT is classify_keyword("ARRET", keywords)
        assert KeywordClass.HELP is classify_keyword("AIDE", keywords)
        assert None is classify_keyword("yes", keywords)
        assert None is classify_keyword("info", keywords)

    def test_toll_free_carrier_set(self) -> None:
        """A narrower set, such as a toll-free carrier layer's, leaves the rest as free text."""
        keywords = KeywordSets(opt_out={"stop"}, opt_in={"start", "unstop"}, help={"help"})
        assert KeywordClass.OPT_OUT is classify_keyword("stop", keywords)
        assert KeywordClass.POSSIBLE_OPT_OUT is classify_keyword("quit", keywords)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"opt_out": {"stop", "start"}}, r"\['start'\] are in both opt_out and opt_in"),
            ({"opt_in": {"start", "help"}}, r"\['help'\] are in both opt_in and help"),
            ({"opt_out": {"stop", "  "}}, "at least one visible character"),
            ({"revocation_words": {"stop", "!!"}}, "at least one letter or digit"),
        ],
    )
    def test_invalid_sets(self, kwargs: dict[str, set[str]], message: str) -> None:
        """A keyword with two meanings, or an empty one, is refused when the sets are built."""
        with pytest.raises(ValueError, match=message):
            KeywordSets(**kwargs)

    def test_a_bare_string_is_refused(self) -> None:
        """A string is not a set of keywords: "stop" would otherwise become s, t, o, p."""
        with pytest.raises(TypeError, match="not the string 'stop'"):
            KeywordSets(opt_out="stop")

    def test_frozen_and_hashable(self) -> None:
        """Sets are values: equal when built alike."""
        assert KeywordSets() == DEFAULT_KEYWORDS
        assert hash(KeywordSets()) == hash(DEFAULT_KEYWORDS)
