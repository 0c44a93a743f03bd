import pickle

import phonenumbers
import pytest

from sms_core import InvalidPhoneNumberError, PhoneNumber


class TestParse:
    """PhoneNumber.parse turns what people type into E.164."""

    @pytest.mark.parametrize(
        ("text", "region", "expected"),
        [
            ("(415) 555-0100", "US", "+14155550100"),
            ("415.555.0100", "US", "+14155550100"),
            ("+1 415 555 0100", None, "+14155550100"),
            ("1-800-FLOWERS", "US", "+18003569377"),
            ("020 7946 0958", "GB", "+442079460958"),
            ("+44 20 7946 0958", "US", "+442079460958"),
            ("(613) 555-0123", "CA", "+16135550123"),
        ],
    )
    def test_valid_numbers(self, text: str, region: str | None, expected: str) -> None:
        """Valid numbers in any common notation come out as E.164."""
        assert expected == PhoneNumber.parse(text, region).e164

    def test_default_region_is_us(self) -> None:
        """Without a region argument, national numbers are read as US numbers."""
        assert "+12125550123" == PhoneNumber.parse("212-555-0123").e164

    @pytest.mark.parametrize(
        ("text", "region", "reason"),
        [
            ("hello", "US", "not a number"),
            ("415", "US", "too short"),
            ("+1 415 555 01000000", None, "too long"),
            ("4155550100", None, "no +country prefix"),
            ("+1 555 555 0123", None, "not a number in use in"),
            ("+999 1234 5678", None, "country code"),
            ("555-0123", "US", "local number without its area code"),
        ],
    )
    def test_invalid_numbers_name_input_and_reason(
        self, text: str, region: str | None, reason: str
    ) -> None:
        """Every refusal names the input and why it was refused."""
        with pytest.raises(InvalidPhoneNumberError) as caught:
            PhoneNumber.parse(text, region)
        assert repr(text) in str(caught.value)
        assert reason in str(caught.value)
        assert text == caught.value.text

    @pytest.mark.parametrize("text", ["+1 415 555 0100 ext 12", "(415) 555-0100 x7"])
    def test_extension_refused(self, text: str) -> None:
        """A text cannot reach an extension: refused, naming it, not sent to the main line."""
        with pytest.raises(InvalidPhoneNumberError, match=r"has an extension \((12|7)\)"):
            PhoneNumber.parse(text)

    def test_error_is_a_value_error(self) -> None:
        """Callers that catch ValueError catch invalid numbers too."""
        with pytest.raises(ValueError, match="not a valid phone number"):
            PhoneNumber.parse("not a phone")


class TestCoerce:
    """PhoneNumber.coerce validates a number alike, given as text or as a PhoneNumber."""

    def test_text_is_parsed_as_typed(self) -> None:
        assert PhoneNumber(e164="+14155550100") == PhoneNumber.coerce("(415) 555-0100")

    def test_a_valid_instance_is_returned_as_it_is(self) -> None:
        number = PhoneNumber(e164="+14155550100")
        assert number is PhoneNumber.coerce(number)

    @pytest.mark.parametrize("e164", ["+15555550100", "+11234567890"])
    def test_an_instance_not_in_use_is_refused_like_its_text(self, e164: str) -> None:
        """The constructor checks the shape only; coerce refuses what parse would refuse."""
        with pytest.raises(InvalidPhoneNumberError, match="not a number in use"):
            PhoneNumber.coerce(e164)
        with pytest.raises(InvalidPhoneNumberError, match="not a number in use"):
            PhoneNumber.coerce(PhoneNumber(e164=e164))


class TestPhoneNumber:
    """The value object itself."""

    def test_constructor_checks_e164_shape(self) -> None:
        """The constructor refuses anything that is not E.164."""
        with pytest.raises(InvalidPhoneNumberError, match=r"E\.164"):
            PhoneNumber(e164="4155550100")

    def test_equal_numbers_compare_equal_and_hash_alike(self) -> None:
        """Two parses of one number are the same value."""
        first = PhoneNumber.parse("(415) 555-0100")
        second = PhoneNumber.parse("+1 415 555 0100")
        assert first == second
        assert 1 == len({first, second})

    def test_formats(self) -> None:
        """National, international and str forms."""
        number = PhoneNumber.parse("+14155550100")
        assert "(415) 555-0100" == number.national
        assert "+1 415-555-0100" == number.international
        assert "+14155550100" == str(number)
        assert 1 == number.country_code
        assert "US" == number.region

    def test_region_of_a_uk_number(self) -> None:
        """The region is the number's own country, whatever region parsed it."""
        assert "GB" == PhoneNumber.parse("+44 20 7946 0958", "US").region


class TestKeptParse:
    """A number keeps what phonenumbers made of it; the value stays its E.164 text."""

    @pytest.mark.parametrize("text", ["(415) 555-0100", "+44 20 7946 0958", "1-800-FLOWERS"])
    def test_kept_parse_matches_a_fresh_one(self, text: str) -> None:
        """What is kept is what parsing the E.164 form gives, kind included."""
        number = PhoneNumber.parse(text)
        fresh = phonenumbers.parse(number.e164, None)
        assert fresh == number.parsed()
        assert phonenumbers.number_type(fresh) == number.kind()
        assert phonenumbers.is_valid_number(fresh)

    def test_validity_agrees_with_phonenumbers(self) -> None:
        """Numbers parse exactly when phonenumbers calls them valid, over a spread of +1 numbers."""
        for area in range(200, 1000, 7):
            for line in ("5550100", "2345678", "9999999"):
                text = f"+1{area}{line}"
                valid = phonenumbers.is_valid_number(phonenumbers.parse(text, None))
                try:
                    PhoneNumber.parse(text)
                except InvalidPhoneNumberError:
                    assert not valid, text
                else:
                    assert valid, text

    def test_value_semantics_unchanged(self) -> None:
        """Parsed and constructed numbers are equal, hash alike, show alike and pickle."""
        parsed = PhoneNumber.parse("(415) 555-0100")
        built = PhoneNumber(e164="+14155550100")
        assert parsed == built
        assert hash(parsed) == hash(built)
        assert repr(parsed) == repr(built) == "PhoneNumber(e164='+14155550100')"
        restored = pickle.loads(pickle.dumps(parsed))
        assert built == restored
        assert "(415) 555-0100" == restored.national
        assert "(415) 555-0100" == built.national


class TestRememberedParse:
    """Numbers parsed lately are remembered: texting a candidate again parses nothing."""

    def test_a_number_typed_again_is_not_parsed_again(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The second parse of the same text and region asks phonenumbers nothing.

        The text is written as no other test writes it, so no earlier test parsed it.
        """
        calls: list[str] = []
        real = phonenumbers.parse

        def counting(text: str, region: str | None = None) -> phonenumbers.PhoneNumber:
            calls.append(text)
            return real(text, region)

        monkeypatch.setattr(phonenumbers, "parse", counting)
        first = PhoneNumber.parse("415 555 0177")
        second = PhoneNumber.parse("415 555 0177")
        assert first == second
        assert ["415 555 0177"] == calls
        PhoneNumber.parse("415 555 0177", "CA")  # another region is another question
        assert 2 == len(calls)

    def test_a_refusal_is_raised_every_time(self) -> None:
        """An invalid number is refused on every call, each with its own error."""
        errors = []
        for _ in range(2):
            with pytest.raises(InvalidPhoneNumberError, match="not a number in use") as caught:
                PhoneNumber.parse("+1 555 555 0199", None)
            errors.append(caught.value)
        assert errors[0] is not errors[1]
