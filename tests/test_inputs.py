"""The input boundary's checkers, one by one (the services' use of them is in tests/services)."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from sms_core import inputs
from sms_core.domain import BrandProfile, CampaignProfile
from sms_core.exceptions import InvalidFieldError, InvalidInputError, SecretSettingError
from sms_core.testing import sample_brand, sample_campaign


class TestRefusal:
    """The error names the field, shows the value shortened, and says the limit."""

    def test_is_invalid_input(self) -> None:
        """Callers catching InvalidInputError (and ValueError) catch it too."""
        with pytest.raises(InvalidInputError) as caught:
            inputs.identifier("user_id", "a" * 65)
        assert isinstance(caught.value, ValueError)

    def test_attributes(self) -> None:
        """Field, shortened value and limit are attributes as well as words of the message."""
        with pytest.raises(InvalidFieldError) as caught:
            inputs.identifier("user_id", "a" * 1000)
        error = caught.value
        assert ("user_id", f"at most {inputs.ID_LENGTH} characters") == (error.field, error.limit)
        assert f"{'a' * 40!r}... (1000 characters)" == error.value
        assert len(str(error)) < 200

    def test_long_non_text_is_shortened(self) -> None:
        """A huge list or number is shown cut short too."""
        assert len(inputs.shown(list(range(10_000)))) < 80
        assert len(inputs.shown(10**300)) < 80


class TestText:
    """Characters no database keeps, and the visible-text rule for ids and names."""

    @pytest.mark.parametrize("value", ["a\x00", "\ud800", "x\udfff"])
    def test_unstorable(self, value: str) -> None:
        """NUL and lone surrogates are refused even in free text."""
        with pytest.raises(InvalidFieldError):
            inputs.text("body", value, max_length=100)

    def test_free_text_keeps_whitespace(self) -> None:
        """Free text may hold line breaks and tabs."""
        assert "a\n\tb" == inputs.text("reason", "a\n\tb", max_length=10)

    @pytest.mark.parametrize("value", ["a\nb", "a\u200bb", "\ufeffa", "", "   ", "\U000e0001"])
    def test_names_are_visible(self, value: str) -> None:
        """Names have visible characters and no controls or invisible marks."""
        with pytest.raises(InvalidFieldError):
            inputs.visible_text("name", value, max_length=100)

    @pytest.mark.parametrize("value", ["Zoë O'Brien", "李小龍", "Ana-María", "😀 Team"])
    def test_names_in_any_script(self, value: str) -> None:
        """Letters of every script, punctuation and emoji are names."""
        assert value == inputs.visible_text("name", value, max_length=100)

    def test_ids_have_no_surrounding_spaces(self) -> None:
        """' ann' and 'ann' would be two users no one can tell apart."""
        with pytest.raises(InvalidFieldError, match="no spaces"):
            inputs.identifier("user_id", " ann")


class TestTypes:
    """Values of the wrong type are refused, not coerced."""

    @pytest.mark.parametrize("value", ["no", "false", 0, 1, None])
    def test_flag(self, value: object) -> None:
        """Only True and False are flags."""
        with pytest.raises(InvalidFieldError, match="True or False"):
            inputs.flag("accept_terms", value)

    @pytest.mark.parametrize("value", [True, 1.0, "3", 2**31, -1])
    def test_count(self, value: object) -> None:
        """A count is an int (not a bool) within the column's range."""
        with pytest.raises(InvalidFieldError, match="2147483647"):
            inputs.count("monthly_allowance", value)

    def test_names_refuse_one_text(self) -> None:
        """One text is not a collection of names: it would be read as its letters."""
        with pytest.raises(InvalidFieldError, match=r"\['Marketplace Admin'\]"):
            inputs.names("permissions", "Marketplace Admin")

    @pytest.mark.parametrize("value", [[5], [None], [b"x"], 5])
    def test_names_of_text(self, value: object) -> None:
        """Every name is text."""
        with pytest.raises(InvalidFieldError):
            inputs.names("permissions", value)

    def test_identifiers_refuse_one_text(self) -> None:
        """A single id is passed as a list of one, and the message says so."""
        with pytest.raises(InvalidFieldError, match=r"pass \['ann'\]"):
            inputs.identifiers("user_ids", "ann")

    @pytest.mark.parametrize(
        "value", [timedelta(days=-1), timedelta.max, timedelta(days=3661), 3600, None]
    )
    def test_duration(self, value: object) -> None:
        """A duration is a timedelta from zero to MAX_DURATION: no date overflows."""
        with pytest.raises(InvalidFieldError):
            inputs.duration("stale_after", value)


class TestForms:
    """A form's fields hold what their annotations say."""

    def test_samples_pass(self) -> None:
        """The sample brand and campaign are valid forms."""
        inputs.form("brand", sample_brand(), BrandProfile)
        inputs.form("campaign", sample_campaign(), CampaignProfile)

    @pytest.mark.parametrize(
        ("field", "value", "named"),
        [
            ("description", None, "campaign.description"),
            ("has_embedded_links", "no", "campaign.has_embedded_links"),
            ("sample_messages", ("Hi there, your shift is confirmed", 5), "sample_messages[1]"),
            ("use_case", "MARKETING", "campaign.use_case"),
            ("opt_out_message", "Reply STOP\x00", "campaign.opt_out_message"),
        ],
    )
    def test_wrong_field(self, field: str, value: object, named: str) -> None:
        """The refusal names the field, however deep."""
        wrong = attrs.evolve(sample_campaign(), **{field: value})  # type: ignore[arg-type]
        with pytest.raises(InvalidFieldError, match=named.replace("[", r"\[").replace("]", r"\]")):
            inputs.form("campaign", wrong, CampaignProfile)

    def test_nested_form(self) -> None:
        """Nested forms (the brand's contact and address) are checked too."""
        brand = sample_brand()
        wrong = attrs.evolve(brand, address=attrs.evolve(brand.address, city=7))  # type: ignore[arg-type]
        with pytest.raises(InvalidFieldError, match=r"brand\.address\.city"):
            inputs.form("brand", wrong, BrandProfile)

    def test_not_a_form(self) -> None:
        """A dict is not a form."""
        with pytest.raises(InvalidFieldError, match="a BrandProfile"):
            inputs.form("brand", {"legal_name": "Acme"}, BrandProfile)


class TestProviderSettings:
    """Settings are short texts, and never a credential."""

    @pytest.mark.parametrize(
        "key",
        ["auth_token", "API_SECRET", "password", "client_secret", "private_key", "auth", "x-auth"],
    )
    def test_secret_names(self, key: str) -> None:
        """A credential's name is refused whatever the value."""
        with pytest.raises(SecretSettingError, match=repr(key)):
            inputs.provider_settings({key: "x"})

    @pytest.mark.parametrize("key", ["author", "authority_url", "notification_email", "region"])
    def test_ordinary_names(self, key: str) -> None:
        """Names that merely contain a credential word's letters are settings."""
        assert {key: "x"} == inputs.provider_settings({key: "x"})

    @pytest.mark.parametrize("length", [32, 40, 64])
    def test_bare_hex_tokens(self, length: int) -> None:
        """A bare hex string of a common token length is refused, and not shown."""
        token = ("0123456789abcdef" * 4)[:length]
        with pytest.raises(SecretSettingError) as caught:
            inputs.provider_settings({"label": token})
        assert token[:6] not in str(caught.value)

    @pytest.mark.parametrize(
        "value",
        [
            "AC" + "0123456789abcdef" * 2,
            "0123456789abcdef" * 2 + "0",
            "/var/lib/smsadmin/carrier.sqlite3",
            "https://sms.example.com/webhooks",
            "",
        ],
    )
    def test_ordinary_values(self, value: str) -> None:
        """Resource ids with a prefix, other lengths, paths and plain URLs are settings."""
        assert {"k": value} == inputs.provider_settings({"k": value})

    def test_bad_value_is_not_shown(self) -> None:
        """A value refused for its characters is not echoed either."""
        with pytest.raises(InvalidFieldError) as caught:
            inputs.provider_settings({"label": "hunter2\x00"})
        assert "hunter2" not in str(caught.value)
