r"""How many SMS segments a text takes, and in which encoding.

The count follows Twilio's reference segment calculator (npm ``sms-segments-calculator`` 1.3.0),
which is what Twilio bills:

* A text is GSM-7 when every character is in the GSM 03.38 basic table (7 bits) or its
  extension table (14 bits: an escape plus the code). Anything else, including ESC and the
  other control characters apart from line feed, carriage return and form feed, switches the
  whole text to UCS-2, where a grapheme cluster takes 16 bits per UTF-16 code unit.
* A single segment holds 1120 bits. A longer text is sent in parts that each start with a
  48-bit header, leaving 1072 bits, and is packed greedily with whole encoded characters: an
  escape pair, a surrogate pair or a grapheme cluster (flag, ZWJ sequence, letter with
  combining marks) never straddles two parts. A ``"\r\n"`` pair counts as two characters.

The text is never normalized: a precomposed ``é`` is GSM-7 while ``e`` plus U+0301 is not.
Grapheme clusters come from the ``regex`` module's ``\X``, which follows a newer Unicode
version than the calculator's splitter; the two can disagree on recent emoji sequences and
Indic conjuncts, and then only when such a cluster straddles a segment boundary.
"""

from __future__ import annotations

from enum import StrEnum

import attrs
import regex  # type: ignore[import-untyped,unused-ignore]

__all__ = ["Encoding", "SegmentAnalysis", "analyze"]


class Encoding(StrEnum):
    """The character encoding an SMS is sent in."""

    #: The GSM 03.38 default alphabet with its extension table, 7 bits per septet.
    GSM_7 = "GSM-7"
    #: UTF-16, 16 bits per code unit; used when any character is outside GSM-7.
    UCS_2 = "UCS-2"


#: The GSM 03.38 basic table in code order (0x00 to 0x7F), without ESC at 0x1B.
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
#: The characters of the extension table, each sent as ESC plus a code (two septets).
_GSM_EXTENSION = frozenset("\f^{}\\[~]|€")
_GSM = _GSM_BASIC | _GSM_EXTENSION

_SEGMENT_BITS = 1120
_HEADER_BITS = 48
_SEPTET_BITS = 7
_CODE_UNIT_BITS = 16

_GRAPHEME = regex.compile(r"\X")


@attrs.frozen(kw_only=True)
class SegmentAnalysis:
    """The encoding and segment count of a text.

    Attributes:
        encoding: GSM-7 when every character is in the GSM alphabet, otherwise UCS-2.
        segments: How many segments the text is sent (and billed) as.
        units: Septets for GSM-7 (an extension character counts 2); UTF-16 code units for
            UCS-2 (every character counts 1, a character outside the BMP 2).
        non_gsm_characters: The distinct grapheme clusters outside the GSM alphabet, in
            order of first appearance; empty for GSM-7.
    """

    encoding: Encoding
    segments: int
    units: int
    non_gsm_characters: tuple[str, ...] = ()

    @property
    def message_bits(self) -> int:
        """Size of the encoded text in bits, without segment headers."""
        if self.encoding is Encoding.GSM_7:
            return self.units * _SEPTET_BITS
        return self.units * _CODE_UNIT_BITS

    @property
    def total_bits(self) -> int:
        """Size in bits including the 48-bit header every part of a multipart text carries."""
        headers = self.segments * _HEADER_BITS if self.segments > 1 else 0
        return self.message_bits + headers


def analyze(text: str) -> SegmentAnalysis:
    """Work out how a text is encoded and how many segments it takes.

    An empty text is GSM-7 with 0 units and 1 segment, as the reference calculator reports;
    Twilio itself rejects an empty body, so callers should check for that separately.

    Args:
        text: The message body, exactly as it will be sent.

    Returns:
        The encoding, segment count, length in units and the characters that forced UCS-2.
    """
    if _GSM.issuperset(text):
        return _analyze_gsm(text)
    return _analyze_ucs2(text)


def _analyze_gsm(text: str) -> SegmentAnalysis:
    # Every code point is a GSM character, so none of them joins a grapheme cluster (CR LF
    # is counted as two characters anyway) and the text can be counted per code point.
    extension = sum(text.count(char) for char in _GSM_EXTENSION)
    septets = len(text) + extension
    if extension == 0:
        segments = _count_uniform(septets, _SEPTET_BITS)
    elif septets * _SEPTET_BITS <= _SEGMENT_BITS:
        segments = 1
    else:
        sizes = [_SEPTET_BITS * (2 if char in _GSM_EXTENSION else 1) for char in text]
        segments = _count_packed(sizes)
    return SegmentAnalysis(encoding=Encoding.GSM_7, segments=segments, units=septets)


def _analyze_ucs2(text: str) -> SegmentAnalysis:
    clusters: list[str] = _GRAPHEME.findall(text)
    graphemes: list[str] = []
    for grapheme in clusters:
        if grapheme == "\r\n":
            graphemes += ("\r", "\n")
        else:
            graphemes.append(grapheme)
    units = _utf16_length(text)
    if len(graphemes) == units:
        segments = _count_uniform(units, _CODE_UNIT_BITS)
    else:
        segments = _count_packed([_utf16_length(g) * _CODE_UNIT_BITS for g in graphemes])
    non_gsm = dict.fromkeys(g for g in graphemes if len(g) > 1 or g not in _GSM)
    return SegmentAnalysis(
        encoding=Encoding.UCS_2,
        segments=segments,
        units=units,
        non_gsm_characters=tuple(non_gsm),
    )


def _utf16_length(text: str) -> int:
    # "surrogatepass" keeps a lone surrogate countable as the single code unit it is.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _count_uniform(count: int, bits: int) -> int:
    """Segments for ``count`` characters of ``bits`` each (at most 1072)."""
    if count * bits <= _SEGMENT_BITS:
        return 1
    per_part = (_SEGMENT_BITS - _HEADER_BITS) // bits
    return -(-count // per_part)


def _count_packed(sizes: list[int]) -> int:
    """Segments for encoded characters of the given sizes in bits, packed as Twilio does.

    The text first fills one header-less segment. At the first character that does not fit,
    that segment gets its header and hands trailing characters to the second one until it
    fits again; every later segment starts with a header and takes characters while they
    fit. A character is never split, and one larger than a segment goes into a fresh one
    on its own (so the first segment may be left holding only its header).
    """
    if sum(sizes) <= _SEGMENT_BITS:
        return 1
    used = 0
    overflow = 0
    while used + sizes[overflow] <= _SEGMENT_BITS:
        used += sizes[overflow]
        overflow += 1
    kept = overflow
    used += _HEADER_BITS
    while used > _SEGMENT_BITS:
        kept -= 1
        used -= sizes[kept]
    used = _HEADER_BITS + sum(sizes[kept : overflow + 1])
    segments = 2
    for size in sizes[overflow + 1 :]:
        if used + size > _SEGMENT_BITS:
            segments += 1
            used = _HEADER_BITS + size
        else:
            used += size
    return segments
