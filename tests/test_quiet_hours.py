"""Tests for quiet hours (sms-rules.md §4), on fixed instants: nothing reads the clock."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, time, timedelta, tzinfo
from importlib import resources
from zoneinfo import ZoneInfo

import attrs
import phonenumbers
import pytest
from phonenumbers import PhoneNumberType, geocoder
from phonenumbers import timezone as phonenumbers_timezone

from sms_core.compliance.quiet_hours import (
    DEFAULT_QUIET_HOURS,
    FEDERAL_WINDOW,
    STATE_RULES,
    US_TIME_ZONES,
    Basis,
    LocalWindow,
    QuietHoursDecision,
    QuietHoursPolicy,
    StateRule,
    UnknownZone,
    Weekday,
    area_code_state,
)
from sms_core.domain.phone import PhoneNumber

NEW_YORK = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")
BOISE = ZoneInfo("America/Boise")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")

NYC = PhoneNumber.parse("+1 212 555 0123")
MIAMI = PhoneNumber.parse("+1 305 555 0123")
PENSACOLA = PhoneNumber.parse("+1 850 433 1234")  # Florida, Central time
TALLAHASSEE = PhoneNumber.parse("+1 850 222 1234")  # Florida, Eastern time
OKLAHOMA_CITY = PhoneNumber.parse("+1 405 555 0123")
BALTIMORE = PhoneNumber.parse("+1 410 555 0123")
BIRMINGHAM = PhoneNumber.parse("+1 205 555 0123")  # Alabama, closed on Sundays
IDAHO = PhoneNumber.parse("+1 208 555 0123")  # America/Boise and America/Los_Angeles
HOUSTON = PhoneNumber.parse("+1 713 555 0123")
TOLL_FREE = PhoneNumber.parse("+1 800 555 0100")
UK_MOBILE = PhoneNumber.parse("+44 7911 123456")
UNKNOWN = PhoneNumber(e164="+15555550123")  # E.164 in shape, but not a number in use

# 2025-06-11 is a Wednesday; US DST ran from 9 March to 2 November 2025.
JUNE = (2025, 6, 11)


def local(
    zone: tzinfo,
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    microsecond: int = 0,
    *,
    fold: int = 0,
) -> datetime:
    """An aware datetime from wall-clock fields in ``zone``."""
    return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=zone, fold=fold)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def check(number: PhoneNumber, at: datetime) -> QuietHoursDecision:
    return DEFAULT_QUIET_HOURS.check(number, at)


class TestFederalWindow:
    """8:00 to 21:00 at the recipient's location, 47 CFR 64.1200(c)(1)."""

    @pytest.mark.parametrize(
        ("expected", "hour", "minute"),
        [
            (False, 0, 0),
            (False, 7, 59),
            (True, 8, 0),
            (True, 12, 0),
            (True, 20, 59),
            (False, 21, 0),
            (False, 23, 59),
        ],
    )
    def test_new_york_boundaries(self, expected: bool, hour: int, minute: int) -> None:
        """The window includes 08:00 and stops just before 21:00, local time."""
        assert expected == check(NYC, local(NEW_YORK, *JUNE, hour, minute)).allowed

    def test_last_microsecond_is_allowed(self) -> None:
        """The window is half-open: 20:59:59.999999 is still inside."""
        assert check(NYC, local(NEW_YORK, *JUNE, 20, 59, 59, 999999)).allowed

    def test_allowed_decision(self) -> None:
        """An allowed send names its zone, its state, and is allowed at once."""
        at = local(NEW_YORK, *JUNE, 12, 0)
        expected = QuietHoursDecision(
            allowed=True,
            reason="within the allowed hours in America/New_York",
            zones=("America/New_York",),
            state="NY",
            next_allowed=at.astimezone(UTC),
        )
        assert expected == check(NYC, at)

    def test_refused_before_opening_is_allowed_the_same_morning(self) -> None:
        """At 07:59 the next allowed moment is 08:00 that day, in UTC."""
        decision = check(NYC, local(NEW_YORK, *JUNE, 7, 59))
        assert utc(*JUNE, 12, 0) == decision.next_allowed
        assert UTC is decision.next_allowed.tzinfo

    @pytest.mark.parametrize(("hour", "minute"), [(21, 0), (23, 59)])
    def test_refused_in_the_evening_waits_past_midnight(self, hour: int, minute: int) -> None:
        """After 21:00 the next allowed moment is 08:00 the next day."""
        decision = check(NYC, local(NEW_YORK, *JUNE, hour, minute))
        assert local(NEW_YORK, 2025, 6, 12, 8, 0) == decision.next_allowed

    def test_reason_names_local_time_zone_window_and_next_moment(self) -> None:
        """The refusal says what the recipient's clock shows and when sending may resume."""
        reason = check(NYC, local(NEW_YORK, *JUNE, 21, 30)).reason
        assert (
            "it is Wed 21:30 in America/New_York, outside the default hours (08:00 to 21:00); "
            "next allowed Thu 2025-06-12 12:00 UTC"
        ) == reason

    def test_instant_in_any_zone(self) -> None:
        """``at`` may be in any zone: only the instant matters."""
        at = local(NEW_YORK, *JUNE, 7, 59)
        assert check(NYC, at) == check(NYC, at.astimezone(ZoneInfo("Asia/Tokyo")))

    def test_naive_datetime_is_refused(self) -> None:
        """A naive datetime has no instant; refusing beats guessing the server's zone."""
        with pytest.raises(ValueError, match="aware datetime"):
            check(NYC, datetime(*JUNE, 12, 0))  # naive on purpose


class TestStateRules:
    """Stricter state windows, chosen by area code."""

    def test_florida_at_half_past_eight(self) -> None:
        """Florida refuses at 20:30 and allows again at 08:00 the next day."""
        decision = check(MIAMI, local(NEW_YORK, *JUNE, 20, 30))
        assert not decision.allowed
        assert "FL" == decision.state
        assert local(NEW_YORK, 2025, 6, 12, 8, 0) == decision.next_allowed
        assert "outside Florida's hours (08:00 to 20:00)" in decision.reason

    def test_each_policy_decides_with_its_own_rules_at_one_moment(self) -> None:
        """At one moment, Florida's rule refuses and a policy without it allows, in any order.

        The windows are remembered per policy, zones, state and moment (a mass text checks
        each recipient at one moment), so a policy's rules must never answer for another's.
        """
        at = local(NEW_YORK, *JUNE, 20, 30)
        federal_only = attrs.evolve(DEFAULT_QUIET_HOURS, state_rules=())
        assert [False, True, False, True] == [
            DEFAULT_QUIET_HOURS.check(MIAMI, at).allowed,
            federal_only.check(MIAMI, at).allowed,
            DEFAULT_QUIET_HOURS.check(MIAMI, at).allowed,
            federal_only.check(MIAMI, at).allowed,
        ]

    @pytest.mark.parametrize(("number", "zone"), [(OKLAHOMA_CITY, CHICAGO), (BALTIMORE, NEW_YORK)])
    def test_oklahoma_and_maryland_close_at_eight(
        self, number: PhoneNumber, zone: ZoneInfo
    ) -> None:
        """Oklahoma (statute) and Maryland (reported) close at 20:00 local."""
        assert check(number, local(zone, *JUNE, 19, 59)).allowed
        assert not check(number, local(zone, *JUNE, 20, 0)).allowed

    def test_florida_panhandle_uses_its_own_zone(self) -> None:
        """Pensacola is on Central time: 19:30 there is fine while Tallahassee is at 20:30."""
        at = local(CHICAGO, *JUNE, 19, 30)
        assert ("America/Chicago",) == check(PENSACOLA, at).zones
        assert check(PENSACOLA, at).allowed
        assert not check(TALLAHASSEE, at).allowed
        assert "FL" == check(TALLAHASSEE, at).state

    @pytest.mark.parametrize(
        ("expected", "day", "hour"),
        [
            (True, 14, 19),  # Saturday 19:00
            (False, 14, 20),  # Saturday 20:00
            (False, 15, 12),  # Sunday noon
            (True, 16, 8),  # Monday 08:00
        ],
    )
    def test_alabama_closed_on_sunday(self, expected: bool, day: int, hour: int) -> None:
        """Alabama: 08:00 to 20:00, and no texts on Sunday (reported)."""
        assert expected == check(BIRMINGHAM, local(CHICAGO, 2025, 6, day, hour, 0)).allowed

    def test_saturday_evening_waits_for_monday(self) -> None:
        """From Saturday evening in Alabama the next allowed moment is Monday 08:00."""
        decision = check(BIRMINGHAM, local(CHICAGO, 2025, 6, 14, 20, 30))
        assert local(CHICAGO, 2025, 6, 16, 8, 0) == decision.next_allowed
        assert "Alabama's hours (08:00 to 20:00, closed on Sunday)" in decision.reason

    def test_state_without_rule_gets_the_default(self) -> None:
        """Texas has no bundled rule: 20:30 is allowed."""
        at = local(CHICAGO, *JUNE, 20, 30)
        assert "TX" == check(HOUSTON, at).state
        assert check(HOUSTON, at).allowed

    def test_state_rule_never_widens_the_default(self) -> None:
        """A state window later than the default one still stops at the default's end."""
        rule = StateRule(
            state="TX",
            name="Texas",
            window=LocalWindow(start=time(7), end=time(23)),
            basis=Basis.REPORTED,
            source="a test",
        )
        policy = QuietHoursPolicy(state_rules=(rule,))
        assert not policy.check(HOUSTON, local(CHICAGO, *JUNE, 7, 30)).allowed
        assert not policy.check(HOUSTON, local(CHICAGO, *JUNE, 22, 0)).allowed

    def test_bundled_rules(self) -> None:
        """Florida and Oklahoma rest on statute; the other rows are reported."""
        windows = {
            rule.state: (rule.window.start.hour, rule.window.end.hour) for rule in STATE_RULES
        }
        assert {"FL": (8, 20), "OK": (8, 20), "MD": (8, 20)}.items() <= windows.items()
        statute = {rule.state for rule in STATE_RULES if rule.basis is Basis.STATUTE}
        assert {"FL", "OK"} == statute
        closed_on_sunday = {r.state for r in STATE_RULES if Weekday.SUNDAY in r.window.closed_on}
        assert {"AL", "LA", "MS"} == closed_on_sunday
        assert all(rule.source for rule in STATE_RULES)


class TestMultipleZones:
    """Every zone phonenumbers gives for a number must allow the send."""

    def test_idaho_waits_for_los_angeles(self) -> None:
        """08:30 in Boise is 07:30 in Los Angeles: wait for 08:00 there."""
        decision = check(IDAHO, local(BOISE, *JUNE, 8, 30))
        assert ("America/Boise", "America/Los_Angeles") == decision.zones
        assert not decision.allowed
        assert "in America/Los_Angeles" in decision.reason
        assert local(LOS_ANGELES, *JUNE, 8, 0) == decision.next_allowed

    def test_idaho_stops_at_nine_in_boise(self) -> None:
        """20:30 in Los Angeles is 21:30 in Boise: wait for the next morning in Los Angeles."""
        decision = check(IDAHO, local(LOS_ANGELES, *JUNE, 20, 30))
        assert not decision.allowed
        assert "in America/Boise" in decision.reason
        assert local(LOS_ANGELES, 2025, 6, 12, 8, 0) == decision.next_allowed

    def test_idaho_allowed_when_both_allow(self) -> None:
        """Noon in Boise is 11:00 in Los Angeles."""
        assert check(IDAHO, local(BOISE, *JUNE, 12, 0)).allowed

    def test_toll_free_considers_every_zone_of_plus_one(self) -> None:
        """A toll-free number has no location: all 42 zones of +1, Guam to Newfoundland."""
        decision = check(TOLL_FREE, utc(*JUNE, 16, 0))
        assert 42 == len(decision.zones)
        assert {"Pacific/Guam", "America/St_Johns", "Pacific/Pago_Pago"} <= set(decision.zones)
        assert None is decision.state

    @pytest.mark.parametrize(
        ("expected", "at"),
        [
            (False, utc(*JUNE, 16, 0)),  # noon Eastern: 07:00 in Adak
            (False, utc(*JUNE, 21, 59)),  # 07:59 in Guam
            (True, utc(*JUNE, 22, 0)),  # 08:00 in Guam, 18:00 Eastern
            (True, utc(*JUNE, 23, 29)),  # 20:59 in St. John's (NDT, UTC-2:30)
            (False, utc(*JUNE, 23, 30)),  # 21:00 in St. John's
            (True, utc(2025, 1, 16, 0, 29)),  # 20:59 in St. John's in winter (UTC-3:30)
            (False, utc(2025, 1, 16, 0, 30)),  # 21:00 in St. John's in winter
        ],
    )
    def test_toll_free_gets_the_narrowest_window(self, expected: bool, at: datetime) -> None:
        """From 08:00 in Guam to 21:00 in Newfoundland: 90 minutes a day in summer."""
        assert expected == check(TOLL_FREE, at).allowed

    def test_toll_free_next_allowed(self) -> None:
        """At noon Eastern the toll-free number may be texted at 18:00 Eastern."""
        assert utc(*JUNE, 22, 0) == check(TOLL_FREE, utc(*JUNE, 16, 0)).next_allowed


class TestOtherCountries:
    """The default window applies to every number; state rules only to US area codes."""

    def test_uk_mobile_uses_british_time(self) -> None:
        """A UK mobile maps to London and the Crown dependencies, all on British time."""
        decision = check(UK_MOBILE, local(LONDON, *JUNE, 7, 30))
        assert not decision.allowed
        assert "Europe/London" in decision.zones
        assert None is decision.state
        assert local(LONDON, *JUNE, 8, 0) == decision.next_allowed

    def test_uk_mobile_in_the_afternoon(self) -> None:
        """15:00 in London is allowed, although it is 10:00 in New York."""
        assert check(UK_MOBILE, local(LONDON, *JUNE, 15, 0)).allowed


class TestUnknownZone:
    """A number phonenumbers cannot place (Etc/Unknown)."""

    def test_default_requires_every_us_zone(self) -> None:
        """By default the window must be open from Eastern to Hawaii."""
        decision = check(UNKNOWN, local(NEW_YORK, *JUNE, 12, 0))
        assert US_TIME_ZONES == decision.zones
        assert not decision.allowed  # 06:00 in Honolulu
        assert decision.reason.startswith("the time zone of +15555550123 is unknown")
        # 08:00 in Honolulu (no DST, UTC-10) is 14:00 in New York.
        assert local(NEW_YORK, *JUNE, 14, 0) == decision.next_allowed

    @pytest.mark.parametrize(
        ("expected", "hour"), [(False, 13), (True, 14), (True, 20), (False, 21)]
    )
    def test_default_window_in_eastern_time(self, expected: bool, hour: int) -> None:
        """In summer that leaves 14:00 to 21:00 Eastern."""
        assert expected == check(UNKNOWN, local(NEW_YORK, *JUNE, hour, 0)).allowed

    def test_strict_mode_refuses(self) -> None:
        """UnknownZone.REFUSE refuses at any time, with no next allowed moment."""
        policy = QuietHoursPolicy(unknown_zone=UnknownZone.REFUSE)
        decision = policy.check(UNKNOWN, local(NEW_YORK, *JUNE, 15, 0))
        expected = QuietHoursDecision(
            allowed=False,
            reason="the time zone of +15555550123 is unknown, and unknown zones are refused",
        )
        assert expected == decision


class TestDaylightSavingTime:
    """Windows follow the wall clock across DST transitions (US 2025: 9 March, 2 November)."""

    def test_spring_forward_night(self) -> None:
        """The night before spring-forward is an hour shorter: 08:00 EDT is 12:00 UTC."""
        decision = check(NYC, local(NEW_YORK, 2025, 3, 8, 21, 30))
        assert utc(2025, 3, 9, 12, 0) == decision.next_allowed

    def test_during_the_skipped_hour(self) -> None:
        """Even from the moment the clock jumps, the window opens at 08:00 EDT."""
        assert utc(2025, 3, 9, 12, 0) == check(NYC, utc(2025, 3, 9, 7, 0)).next_allowed

    @pytest.mark.parametrize(
        ("expected", "at"),
        [
            (False, utc(2025, 3, 9, 11, 59)),  # 07:59 EDT
            (True, utc(2025, 3, 9, 12, 0)),  # 08:00 EDT
            (True, utc(2025, 3, 10, 0, 59)),  # 20:59 EDT
            (False, utc(2025, 3, 10, 1, 0)),  # 21:00 EDT
        ],
    )
    def test_spring_forward_day(self, expected: bool, at: datetime) -> None:
        """On the day itself the window is 08:00 to 21:00 EDT."""
        assert expected == check(NYC, at).allowed

    def test_fall_back_night(self) -> None:
        """The night before fall-back is an hour longer: 08:00 EST is 13:00 UTC."""
        decision = check(NYC, local(NEW_YORK, 2025, 11, 1, 22, 0))
        assert utc(2025, 11, 2, 13, 0) == decision.next_allowed

    @pytest.mark.parametrize("fold", [0, 1])
    def test_during_the_repeated_hour(self, fold: int) -> None:
        """Both 01:30s of the fall-back night are refused and wait for 08:00 EST."""
        decision = check(NYC, local(NEW_YORK, 2025, 11, 2, 1, 30, fold=fold))
        assert not decision.allowed
        assert utc(2025, 11, 2, 13, 0) == decision.next_allowed

    @pytest.mark.parametrize(
        ("expected", "at"),
        [
            (False, utc(2025, 11, 2, 12, 59)),  # 07:59 EST
            (True, utc(2025, 11, 2, 13, 0)),  # 08:00 EST
            (True, utc(2025, 11, 3, 1, 59)),  # 20:59 EST
            (False, utc(2025, 11, 3, 2, 0)),  # 21:00 EST
        ],
    )
    def test_fall_back_day(self, expected: bool, at: datetime) -> None:
        """On the day itself the window is 08:00 to 21:00 EST."""
        assert expected == check(NYC, at).allowed

    def test_window_starting_in_the_skipped_hour(self) -> None:
        """A window from 02:30 opens when the clock jumps from 02:00 EST to 03:00 EDT."""
        policy = QuietHoursPolicy(default_window=LocalWindow(start=time(2, 30), end=time(21)))
        decision = policy.check(NYC, local(NEW_YORK, 2025, 3, 9, 1, 0))
        assert utc(2025, 3, 9, 7, 0) == decision.next_allowed
        assert not policy.check(NYC, utc(2025, 3, 9, 7, 0) - timedelta(microseconds=1)).allowed
        assert policy.check(NYC, utc(2025, 3, 9, 7, 0)).allowed

    def test_idaho_across_spring_forward(self) -> None:
        """Both Idaho zones change together; the next morning is 08:00 PDT."""
        decision = check(IDAHO, local(BOISE, 2025, 3, 8, 22, 0))
        assert local(LOS_ANGELES, 2025, 3, 9, 8, 0) == decision.next_allowed
        assert utc(2025, 3, 9, 15, 0) == decision.next_allowed


class TestConfiguration:
    """Hosts configure or disable quiet hours."""

    @pytest.mark.parametrize(
        "at", [utc(*JUNE, 3, 0), local(NEW_YORK, *JUNE, 23, 0), utc(2025, 3, 9, 7, 0)]
    )
    def test_disabled_always_allows(self, at: datetime) -> None:
        """A disabled policy allows any number at any time."""
        for number in (NYC, MIAMI, TOLL_FREE, UNKNOWN):
            expected = QuietHoursDecision(
                allowed=True, reason="quiet hours are disabled", next_allowed=at.astimezone(UTC)
            )
            assert expected == QuietHoursPolicy.disabled().check(number, at)

    def test_default_policy_is_the_bundled_one(self) -> None:
        """QuietHoursPolicy() is the federal window with every bundled state rule."""
        assert DEFAULT_QUIET_HOURS == QuietHoursPolicy()
        assert FEDERAL_WINDOW == LocalWindow(start=time(8), end=time(21))
        assert STATE_RULES == DEFAULT_QUIET_HOURS.state_rules
        assert UnknownZone.EVERY_US_ZONE is DEFAULT_QUIET_HOURS.unknown_zone

    def test_federal_only(self) -> None:
        """Without state rules Florida gets the federal window."""
        policy = attrs.evolve(DEFAULT_QUIET_HOURS, state_rules=())
        assert policy.check(MIAMI, local(NEW_YORK, *JUNE, 20, 30)).allowed

    def test_statute_rules_only(self) -> None:
        """Keeping only statute-based rules drops Maryland's reported window."""
        statute = [rule for rule in STATE_RULES if rule.basis is Basis.STATUTE]
        policy = attrs.evolve(DEFAULT_QUIET_HOURS, state_rules=statute)
        at = local(NEW_YORK, *JUNE, 20, 30)
        assert policy.check(BALTIMORE, at).allowed
        assert not policy.check(MIAMI, at).allowed

    def test_custom_default_window(self) -> None:
        """A host may narrow the default window, for example to business hours."""
        window = LocalWindow(start=time(9), end=time(17), closed_on={"saturday", "sunday"})
        policy = QuietHoursPolicy(default_window=window)
        decision = policy.check(NYC, local(NEW_YORK, 2025, 6, 13, 17, 0))  # a Friday
        assert local(NEW_YORK, 2025, 6, 16, 9, 0) == decision.next_allowed

    def test_no_moment_within_the_horizon(self) -> None:
        """Windows that never overlap across a number's zones leave no next moment."""
        rule = StateRule(
            state="ID",
            name="Idaho",
            window=LocalWindow(start=time(8), end=time(8, 30)),
            basis=Basis.REPORTED,
            source="a test",
        )
        policy = QuietHoursPolicy(state_rules=(rule,))
        decision = policy.check(IDAHO, local(BOISE, *JUNE, 12, 0))
        assert not decision.allowed
        assert None is decision.next_allowed
        assert decision.reason.endswith("no time in the next 8 days is allowed in all its zones")

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"start": time(21), "end": time(8)}, "must end after it starts"),
            ({"start": time(8), "end": time(8)}, "must end after it starts"),
            ({"start": time(8, tzinfo=UTC), "end": time(21)}, "without a zone"),
            ({"start": time(8), "end": time(21), "closed_on": set(Weekday)}, "at least one day"),
        ],
    )
    def test_invalid_windows(self, kwargs: dict[str, object], message: str) -> None:
        """Windows run forward within a day, in local time, on some day of the week."""
        with pytest.raises(ValueError, match=message):
            LocalWindow(**kwargs)  # type: ignore[arg-type]

    def test_unknown_weekday(self) -> None:
        """Weekdays are spelled out in English."""
        with pytest.raises(ValueError, match="'sun'"):
            LocalWindow(start=time(8), end=time(21), closed_on={"sun"})

    def test_duplicate_state_rules(self) -> None:
        """One rule per state."""
        florida = next(rule for rule in STATE_RULES if rule.state == "FL")
        with pytest.raises(ValueError, match=r"\['FL'\] have several"):
            QuietHoursPolicy(state_rules=(florida, florida))

    def test_state_without_area_codes(self) -> None:
        """A rule for a code with no area codes could never apply, so it is refused."""
        rule = StateRule(
            state="ON",
            name="Ontario",
            window=FEDERAL_WINDOW,
            basis=Basis.REPORTED,
            source="a test",
        )
        with pytest.raises(ValueError, match=r"no area codes are known for \['ON'\]"):
            QuietHoursPolicy(state_rules=(rule,))


def bundled_area_codes() -> dict[str, list[str]]:
    text = resources.files("sms_core.compliance").joinpath("area_codes.toml").read_text("utf-8")
    codes: dict[str, list[str]] = tomllib.loads(text)["area_codes"]
    return codes


def sample(area_code: str) -> phonenumbers.PhoneNumber:
    return phonenumbers.parse(f"+1{area_code}5550123")


GEOGRAPHIC = {
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


class TestAreaCodes:
    """The bundled area code to state table."""

    @pytest.mark.parametrize(
        ("expected", "number"),
        [
            ("FL", MIAMI),
            ("FL", PENSACOLA),
            ("OK", OKLAHOMA_CITY),
            ("MD", BALTIMORE),
            ("NY", NYC),
            ("DC", PhoneNumber.parse("+1 202 555 0123")),
            ("NJ", PhoneNumber.parse("+1 201 555 0123")),
            (None, TOLL_FREE),
            (None, PhoneNumber.parse("+1 613 555 0123")),  # Ottawa
            (None, PhoneNumber.parse("+1 787 555 0123")),  # Puerto Rico
            (None, UK_MOBILE),
            (None, PhoneNumber.parse("+44 20 7946 0958")),  # London, not area code 207 (Maine)
        ],
    )
    def test_area_code_state(self, expected: str | None, number: PhoneNumber) -> None:
        """US geographic numbers have a state; others have none."""
        assert expected == area_code_state(number)

    def test_each_area_code_once(self) -> None:
        """No area code belongs to two states."""
        codes = [code for state_codes in bundled_area_codes().values() for code in state_codes]
        assert len(codes) == len(set(codes))

    def test_covers_every_geographic_us_area_code(self) -> None:
        """The table has exactly the area codes phonenumbers calls geographic and US."""
        expected = {
            str(code)
            for code in range(200, 1000)
            if phonenumbers.region_code_for_number(sample(str(code))) == "US"
            and phonenumbers.number_type(sample(str(code))) in GEOGRAPHIC
        }
        bundled = {code for codes in bundled_area_codes().values() for code in codes}
        assert expected == bundled

    @pytest.mark.parametrize("rule", STATE_RULES, ids=lambda rule: rule.state)
    def test_rule_states_agree_with_the_geocoder(self, rule: StateRule) -> None:
        """Every area code of a state with a rule geocodes to that state."""
        for code in bundled_area_codes()[rule.state]:
            description = geocoder.description_for_number(sample(code), "en")
            assert description in {"", rule.name} or description.endswith(f", {rule.state}"), code


class TestZoneLookup:
    """The zones considered are the ones phonenumbers gives for the number."""

    @pytest.mark.parametrize(
        "text",
        ["+12085550100", "+18005550100", "+14155550100", "+442079460958", "+15145550123"],
    )
    def test_same_zones_as_phonenumbers(self, text: str) -> None:
        """Geographic, toll-free and foreign numbers alike."""
        number = PhoneNumber.parse(text)
        expected = phonenumbers_timezone.time_zones_for_number(phonenumbers.parse(text))
        assert tuple(expected) == check(number, utc(*JUNE, 16, 0)).zones


class TestRefusal:
    """A decision words its own refusal, beside the rule it explains."""

    def test_allowed_has_no_refusal(self) -> None:
        """A text inside the window is not refused."""
        decision = DEFAULT_QUIET_HOURS.check(NYC, datetime(2025, 6, 11, 16, 0, tzinfo=UTC))
        assert decision.refusal(NYC) is None

    def test_refusal_names_the_number_and_when_in_local_time(self) -> None:
        """07:00 in New York is refused until 08:00 there, said in the recipient's clock."""
        at = datetime(2025, 6, 11, 11, 0, tzinfo=UTC)  # 07:00 EDT
        refusal = DEFAULT_QUIET_HOURS.check(NYC, at).refusal(NYC)
        assert refusal is not None
        assert NYC.e164 == refusal.number
        assert datetime(2025, 6, 11, 12, 0, tzinfo=UTC) == refusal.next_allowed
        assert str(refusal).startswith(f"{NYC} cannot be texted now because of quiet hours: ")
        assert str(refusal).endswith("(08:00 local time in America/New_York); send it then")
