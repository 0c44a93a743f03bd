"""Tests for the SMS segment counter, against the reference calculator's numbers."""

from __future__ import annotations

import random

import attrs
import pytest
import regex  # type: ignore[import-untyped,unused-ignore]

from sms_core.segments import Encoding, SegmentAnalysis, analyze

# The GSM 03.38 alphabet written out by Unicode code point, independently of the module's
# table (which is in GSM code order).
GSM_BASIC = (
    "\n\r"
    + "".join(chr(cp) for cp in range(0x20, 0x7F) if chr(cp) not in "`[\\]^{|}~")
    + "¡£¤¥§¿ÄÅÆÇÉÑÖØÜßàäåæèéìñòöøùü"
    + "\u0393\u0394\u0398\u039b\u039e\u03a0\u03a3\u03a6\u03a8\u03a9"
)
GSM_EXTENSION = "\f[\\]^{|}~€"
ESCAPE_CHARACTERS = ["|", "^", "€", "{", "}", "[", "]", "~", "\\", "\f"]

DIGITS = "1234567890" * 200


def digits(count: int) -> str:
    return DIGITS[:count]


class TestEncodingEnum:
    """The encoding is a string enum that compares equal to its wire name."""

    def test_values(self) -> None:
        assert ["GSM-7", "UCS-2"] == [str(member) for member in Encoding]
        assert Encoding.UCS_2 is Encoding("UCS-2")

    def test_result_compares_to_plain_strings(self) -> None:
        assert "GSM-7" == analyze("hello").encoding
        assert "UCS-2" == analyze("hello 😀").encoding

    def test_result_is_frozen(self) -> None:
        result = analyze("hello")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            result.segments = 2  # type: ignore[misc]


class TestGsmAlphabet:
    """Exactly the GSM 03.38 basic and extension characters keep a text in GSM-7."""

    def test_every_bmp_code_point_up_to_u3000(self) -> None:
        gsm = {chr(cp) for cp in range(0x3000) if analyze(chr(cp)).encoding is Encoding.GSM_7}
        assert set(GSM_BASIC) | set(GSM_EXTENSION) == gsm
        assert 137 == len(gsm)

    @pytest.mark.parametrize("char", list(GSM_BASIC))
    def test_basic_character_is_one_septet(self, char: str) -> None:
        assert SegmentAnalysis(encoding=Encoding.GSM_7, segments=1, units=1) == analyze(char)

    @pytest.mark.parametrize("char", list(GSM_EXTENSION))
    def test_extension_character_is_two_septets(self, char: str) -> None:
        assert SegmentAnalysis(encoding=Encoding.GSM_7, segments=1, units=2) == analyze(char)

    @pytest.mark.parametrize(
        "char",
        [
            pytest.param("`", id="backtick"),
            pytest.param("\t", id="tab"),
            pytest.param("\u00a0", id="nbsp"),
            pytest.param("\u2018", id="left-single-quote"),
            pytest.param("\u2019", id="right-single-quote"),
            pytest.param("\u201c", id="left-double-quote"),
            pytest.param("\u201d", id="right-double-quote"),
            pytest.param("\u2013", id="en-dash"),
            pytest.param("\u2014", id="em-dash"),
            pytest.param("\u2026", id="ellipsis"),
            pytest.param("ç", id="small-c-cedilla"),
            pytest.param("ê", id="e-circumflex"),
            pytest.param("á", id="a-acute"),
            pytest.param("Á", id="capital-a-acute"),
            pytest.param("ã", id="a-tilde"),
            pytest.param("\u0391", id="greek-capital-alpha"),
            pytest.param("\u0392", id="greek-capital-beta"),
            pytest.param("\u039f", id="greek-capital-omicron"),
            pytest.param("\u03a1", id="greek-capital-rho"),
            pytest.param("\u03b4", id="greek-small-delta"),
            pytest.param("\x1b", id="esc"),
            pytest.param("\x00", id="nul"),
            pytest.param("\x0b", id="vertical-tab"),
            pytest.param("\x7f", id="del"),
            pytest.param("\u200b", id="zero-width-space"),
            pytest.param("\ufeff", id="bom"),
            pytest.param("中", id="cjk"),
            pytest.param("😀", id="emoji"),
            pytest.param("\U00020000", id="cjk-ext-b"),
        ],
    )
    def test_non_gsm_character_forces_ucs2(self, char: str) -> None:
        result = analyze(f"Hello {char} world")
        assert Encoding.UCS_2 == result.encoding
        assert (char,) == result.non_gsm_characters

    def test_only_capital_c_cedilla_is_gsm(self) -> None:
        assert Encoding.GSM_7 == analyze("Ç").encoding
        assert Encoding.UCS_2 == analyze("ç").encoding


class TestEmptyText:
    """An empty text is reported as the calculator does: GSM-7, no units, one segment."""

    def test_empty(self) -> None:
        result = analyze("")
        assert Encoding.GSM_7 == result.encoding
        assert 0 == result.units
        assert 1 == result.segments
        assert () == result.non_gsm_characters
        assert 0 == result.total_bits


class TestGsmSegments:
    """GSM-7 texts take 160 septets in one segment and 153 per part beyond that."""

    @pytest.mark.parametrize(
        ("length", "segments", "message_bits", "total_bits"),
        [
            (1, 1, 7, 7),
            (160, 1, 1120, 1120),
            (161, 2, 1127, 1223),
            (306, 2, 2142, 2238),
            (307, 3, 2149, 2293),
            (459, 3, 3213, 3357),
            (460, 4, 3220, 3412),
            (1600, 11, 11200, 11728),
        ],
    )
    def test_digits(self, length: int, segments: int, message_bits: int, total_bits: int) -> None:
        result = analyze(digits(length))
        assert Encoding.GSM_7 == result.encoding
        assert segments == result.segments
        assert length == result.units
        assert message_bits == result.message_bits
        assert total_bits == result.total_bits


class TestGsmExtension:
    """Extension characters take two septets and an escape pair never straddles segments."""

    @pytest.mark.parametrize("char", ESCAPE_CHARACTERS)
    def test_escape_plus_158_digits_fits_one_segment(self, char: str) -> None:
        result = analyze(char + digits(158))
        assert Encoding.GSM_7 == result.encoding
        assert 160 == result.units
        assert 1 == result.segments
        assert 1120 == result.total_bits

    @pytest.mark.parametrize("char", ESCAPE_CHARACTERS)
    def test_escape_plus_159_digits_takes_two(self, char: str) -> None:
        result = analyze(char + digits(159))
        assert 161 == result.units
        assert 2 == result.segments
        assert 1127 == result.message_bits
        assert 1223 == result.total_bits

    def test_153_closing_brackets_take_three_segments(self) -> None:
        # 306 septets would fit two 153-septet parts, but 76 pairs (152 septets) fill each.
        result = analyze("]" * 153)
        assert Encoding.GSM_7 == result.encoding
        assert 306 == result.units
        assert 3 == result.segments
        assert 2286 == result.total_bits

    def test_152_closing_brackets_take_two_segments(self) -> None:
        assert 2 == analyze("]" * 152).segments

    def test_pair_at_part_boundary_moves_whole(self) -> None:
        # 306 septets again; the pair would occupy septets 153 and 154, so it opens part two.
        result = analyze("a" * 152 + "]" + "a" * 152)
        assert 306 == result.units
        assert 3 == result.segments

    def test_pair_clear_of_the_boundary(self) -> None:
        result = analyze("a" * 151 + "]" + "a" * 153)
        assert 306 == result.units
        assert 2 == result.segments


class TestUcs2Segments:
    """UCS-2 texts take 70 code units in one segment and 67 per part beyond that."""

    @pytest.mark.parametrize(
        ("length", "segments", "message_bits", "total_bits"),
        [
            (68, 1, 1120, 1120),
            (69, 2, 1136, 1232),
            (132, 2, 2144, 2240),
            (133, 3, 2160, 2304),
        ],
    )
    def test_emoji_and_digits(
        self, length: int, segments: int, message_bits: int, total_bits: int
    ) -> None:
        result = analyze("😜" + digits(length))
        assert Encoding.UCS_2 == result.encoding
        assert length + 2 == result.units
        assert segments == result.segments
        assert message_bits == result.message_bits
        assert total_bits == result.total_bits

    @pytest.mark.parametrize("char", ["Á", "Ú", "ú", "ç", "í", "Í", "ó", "Ó", "中"])
    @pytest.mark.parametrize(("count", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3)])
    def test_repeated_bmp_character(self, char: str, count: int, segments: int) -> None:
        result = analyze(char * count)
        assert Encoding.UCS_2 == result.encoding
        assert count == result.units
        assert segments == result.segments

    def test_extension_characters_count_one_unit(self) -> None:
        assert 1 == analyze("😀" + "]" * 68).segments
        assert 2 == analyze("😀" + "]" * 69).segments

    def test_extension_characters_alongside_a_non_gsm_character(self) -> None:
        text = "||||||||||||||||||||||||{||||||||||||||||||||||||||||∞||||||||||^|||||"
        result = analyze(text)
        assert 70 == result.units
        assert 1 == result.segments
        assert ("∞",) == result.non_gsm_characters

    def test_surrogate_pair_is_never_split(self) -> None:
        # 66 + 2 + 66 = 134 units, but the emoji would straddle units 67 and 68.
        assert 3 == analyze("a" * 66 + "😀" + "a" * 66).segments
        assert 2 == analyze("a" * 65 + "😀" + "a" * 67).segments


class TestGraphemeClusters:
    """A grapheme cluster is packed whole, however many code units it has."""

    def test_flag_plus_66_fits_one_segment(self) -> None:
        result = analyze("🇮🇹" + digits(66))
        assert 70 == result.units
        assert 1 == result.segments

    def test_flag_plus_67_takes_two(self) -> None:
        assert 2 == analyze("🇮🇹" + digits(67)).segments

    def test_zwj_flag_plus_64_fits_one_segment(self) -> None:
        result = analyze("🏳️‍🌈" + digits(64))
        assert 70 == result.units
        assert 1 == result.segments
        assert ("🏳️‍🌈",) == result.non_gsm_characters

    def test_zwj_flag_plus_65_takes_two(self) -> None:
        assert 2 == analyze("🏳️‍🌈" + digits(65)).segments

    def test_stacked_accents(self) -> None:
        stacked = "e\u0301\u0301\u0301"
        assert 1 == analyze(stacked + "a" * 66).segments
        assert 2 == analyze(stacked + "a" * 67).segments
        assert (stacked,) == analyze(stacked).non_gsm_characters

    # The filler is any run of one-unit characters. The cluster in the middle is itself
    # outside GSM-7, so the whole text is UCS-2 and plain letters, accented letters and
    # even GSM extension characters all count one unit each. Each text is at most 134
    # units, which two 67-unit parts could hold if the cluster could be cut; packed whole,
    # the cluster lands across the boundary after unit 67 and pushes the text to three.
    @pytest.mark.parametrize("filler", ["a", "Á", "]"])
    @pytest.mark.parametrize(
        ("before", "cluster", "after", "units"),
        [
            pytest.param(65, "🇺🇸", 65, 134, id="flag"),
            pytest.param(60, "👨‍👩‍👧‍👦", 60, 131, id="family"),
            pytest.param(66, "e\u0301", 66, 134, id="combining-acute"),
        ],
    )
    def test_cluster_straddling_a_boundary_takes_three(
        self, filler: str, before: int, cluster: str, after: int, units: int
    ) -> None:
        result = analyze(filler * before + cluster + filler * after)
        assert Encoding.UCS_2 == result.encoding
        assert units == result.units
        assert 3 == result.segments

    @pytest.mark.parametrize(
        ("before", "cluster", "after"),
        [
            pytest.param(63, "🇺🇸", 67, id="flag"),
            pytest.param(56, "👨‍👩‍👧‍👦", 64, id="family"),
            pytest.param(65, "e\u0301", 67, id="combining-acute"),
        ],
    )
    def test_same_cluster_clear_of_the_boundary_takes_two(
        self, before: int, cluster: str, after: int
    ) -> None:
        assert 2 == analyze("a" * before + cluster + "a" * after).segments

    @pytest.mark.parametrize(
        "cluster",
        [
            pytest.param("e\u0301", id="extend"),
            pytest.param("👨\u200d👩", id="zwj"),
            pytest.param("\u0915\u093e", id="spacing-mark"),
            pytest.param("\u06001", id="prepend"),
            pytest.param("🇺🇸", id="regional-indicators"),
            pytest.param("\u1100\u1161", id="hangul-l-v"),
            pytest.param("\u1100\uac00", id="hangul-l-lv"),
            pytest.param("\uac00\u1161", id="hangul-lv-v"),
            pytest.param("\uac00\u11a8", id="hangul-lv-t"),
            pytest.param("\u1161\u11a8", id="hangul-v-t"),
        ],
    )
    def test_each_kind_of_joining_character(self, cluster: str) -> None:
        result = analyze(f"ab {cluster} cd")
        assert Encoding.UCS_2 == result.encoding
        assert (cluster,) == result.non_gsm_characters

    def test_cluster_that_overflows_goes_with_the_handed_over_characters(self) -> None:
        # Part one gives back three letters to get under 67 units; the 66-unit cluster
        # that did not fit joins them in part two even though that overfills it.
        assert 2 == analyze("a" * 70 + "e" + "\u0301" * 65).segments
        assert 3 == analyze("a" * 70 + "e" + "\u0301" * 65 + "a").segments

    def test_cluster_larger_than_a_segment(self) -> None:
        # 71 units cannot fit 1120 bits: the first segment keeps only its header.
        huge = "e" + "\u0301" * 70
        assert 2 == analyze(huge).segments
        assert 3 == analyze(huge + "a").segments
        assert 71 * 16 + 2 * 48 == analyze(huge).total_bits


class TestUnits:
    """Units are septets for GSM-7 and UTF-16 code units for UCS-2."""

    @pytest.mark.parametrize(
        ("text", "encoding", "units"),
        [
            ("a", Encoding.GSM_7, 1),
            ("a]€\f", Encoding.GSM_7, 7),
            ("{hello}", Encoding.GSM_7, 9),
            ("😀]a", Encoding.UCS_2, 4),
            ("😀{}", Encoding.UCS_2, 4),
            ("中", Encoding.UCS_2, 1),
            ("\U00020000", Encoding.UCS_2, 2),
            ("🇺🇸", Encoding.UCS_2, 4),
            ("👨‍👩‍👧‍👦", Encoding.UCS_2, 11),
            ("e\u0301", Encoding.UCS_2, 2),
            ("a\x1bb", Encoding.UCS_2, 3),
        ],
    )
    def test_units(self, text: str, encoding: Encoding, units: int) -> None:
        result = analyze(text)
        assert encoding == result.encoding
        assert units == result.units


class TestNonGsmCharacters:
    """The characters that forced UCS-2 are listed once each, in order of appearance."""

    def test_empty_for_gsm(self) -> None:
        assert () == analyze("Price: 5€ [sale] {today}").non_gsm_characters

    def test_distinct_in_order_of_first_appearance(self) -> None:
        text = "Hi \u201cthere\u201d, ça va? 😀 \u201cok\u201d 😀 ç"
        expected = ("\u201c", "\u201d", "ç", "😀")
        assert expected == analyze(text).non_gsm_characters

    def test_clusters_are_reported_whole(self) -> None:
        text = "e\u0301 🇺🇸 👨‍👩‍👧‍👦 e\u0301"
        expected = ("e\u0301", "🇺🇸", "👨‍👩‍👧‍👦")
        assert expected == analyze(text).non_gsm_characters

    def test_gsm_characters_in_a_ucs2_text_are_not_reported(self) -> None:
        assert ("\t",) == analyze("a]€\r\n\tÇ").non_gsm_characters


class TestNoNormalization:
    """Text is counted as given: precomposed and decomposed accents differ."""

    def test_precomposed_e_acute_is_gsm(self) -> None:
        result = analyze("\u00e9")
        assert Encoding.GSM_7 == result.encoding
        assert 1 == result.units

    def test_decomposed_e_acute_is_ucs2(self) -> None:
        result = analyze("e\u0301")
        assert Encoding.UCS_2 == result.encoding
        assert 2 == result.units
        assert ("e\u0301",) == result.non_gsm_characters

    def test_seventy_precomposed(self) -> None:
        result = analyze("\u00e9" * 70)
        assert Encoding.GSM_7 == result.encoding
        assert 1 == result.segments

    def test_seventy_decomposed(self) -> None:
        result = analyze("e\u0301" * 70)
        assert Encoding.UCS_2 == result.encoding
        assert 140 == result.units
        assert 3 == result.segments


class TestLineBreaks:
    """CR and LF are GSM characters, and CR LF counts as two of them."""

    def test_crlf_counts_two(self) -> None:
        result = analyze("\rabcde\r\n123")
        assert Encoding.GSM_7 == result.encoding
        assert 11 == result.units

    def test_lf_counts_one(self) -> None:
        assert 12 == analyze("\nabcde\n\n123\n").units

    @pytest.mark.parametrize(
        ("text", "segments"),
        [
            pytest.param("a" * 80 + "\r\n" + "a" * 79, 2, id="crlf-161"),
            pytest.param("a" * 80 + "\n" + "a" * 79, 1, id="lf-160"),
            pytest.param("a" * 200 + "\r\n" + "a" * 105, 3, id="crlf-307"),
        ],
    )
    def test_gsm_segments(self, text: str, segments: int) -> None:
        assert segments == analyze(text).segments

    def test_crlf_in_ucs2(self) -> None:
        result = analyze("😀\r\n")
        assert 4 == result.units
        assert ("😀",) == result.non_gsm_characters

    def test_crlf_may_be_split_across_ucs2_segments(self) -> None:
        # 2 + 64 + 2 + 66 = 134 units: CR ends part one and LF starts part two.
        assert 2 == analyze("😀" + "a" * 64 + "\r\n" + "a" * 66).segments

    def test_form_feed_is_an_extension_character(self) -> None:
        result = analyze("a\fb")
        assert Encoding.GSM_7 == result.encoding
        assert 4 == result.units


class TestControlCharacters:
    """Control characters other than LF, CR and FF force UCS-2."""

    def test_escape_forces_ucs2(self) -> None:
        result = analyze("a\x1b<b")
        assert Encoding.UCS_2 == result.encoding
        assert ("\x1b",) == result.non_gsm_characters

    @pytest.mark.parametrize("cp", [cp for cp in range(0x20) if cp not in (0x0A, 0x0C, 0x0D)])
    def test_other_c0_controls(self, cp: int) -> None:
        assert Encoding.UCS_2 == analyze("abc" + chr(cp)).encoding


def _reference_analysis(text: str) -> tuple[str, int, int, tuple[str, ...]]:
    """A literal, slow model of the calculator: one list of bit sizes per segment."""
    clusters: list[str] = []
    for cluster in regex.findall(r"\X", text):
        clusters += ["\r", "\n"] if cluster == "\r\n" else [cluster]
    gsm = set(GSM_BASIC) | set(GSM_EXTENSION)
    is_gsm = all(len(c) == 1 and c in gsm for c in clusters)

    def utf16(cluster: str) -> int:
        return sum(2 if ord(c) > 0xFFFF else 1 for c in cluster)

    if is_gsm:
        sizes = [14 if c in GSM_EXTENSION else 7 for c in clusters]
    else:
        sizes = [16 * utf16(c) for c in clusters]
    segments: list[list[int]] = [[]]
    headers = [False]
    for size in sizes:
        used = sum(segments[-1]) + (48 if headers[-1] else 0)
        if 1120 - used < size:
            segments.append([])
            headers.append(True)
            if not headers[-2]:
                headers[-2] = True
                moved: list[int] = []
                while sum(segments[-2]) + 48 > 1120:
                    moved.insert(0, segments[-2].pop())
                segments[-1] += moved
        segments[-1].append(size)
    if is_gsm:
        return "GSM-7", len(segments), sum(sizes) // 7, ()
    non_gsm = tuple(dict.fromkeys(c for c in clusters if len(c) > 1 or c not in gsm))
    return "UCS-2", len(segments), sum(sizes) // 16, non_gsm


class TestAgainstReferenceModel:
    """Random texts near segment boundaries agree with a literal model of the calculator."""

    POOLS = (
        "abcXYZ 019.,!?@£$_",
        "[]{}|^~\\€\f",
        "\r\n",
        "Áçñ中\u201c\t",
        "😀😜\U00020000",
        "\u0301\u200d\ufe0f",
        "🇺🇸🇮🇹",
        "\u1100\u1161\u11a8가",
    )

    @pytest.mark.parametrize("seed", range(40))
    def test_random_texts(self, seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(25):
            pools = rng.sample(self.POOLS, rng.randint(1, 3))
            alphabet = "".join(pools)
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 420)))
            result = analyze(text)
            actual = (result.encoding, result.segments, result.units, result.non_gsm_characters)
            assert _reference_analysis(text) == actual, repr(text)
