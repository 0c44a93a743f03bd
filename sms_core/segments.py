r"""How many SMS segments a text takes, and in which encoding.

The count follows the reference segment calculator (npm ``sms-segments-calculator`` 1.3.0):

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

from bisect import bisect_right
from enum import StrEnum
from functools import cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from collections.abc import Sequence

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
#: Maps every GSM character to a one-character string whose code is its size in septets.
_GSM_SEPTETS = {ord(char): "\x01" for char in _GSM_BASIC} | {
    ord(char): "\x02" for char in _GSM_EXTENSION
}

_SEGMENT_BITS = 1120
_HEADER_BITS = 48
_SEPTET_BITS = 7
_CODE_UNIT_BITS = 16

#: The characters that can join a neighbour in a grapheme cluster (UAX #29), CR LF aside.
_JOINING = (
    r"[\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}\p{GCB=Prepend}"
    r"\p{GCB=Regional_Indicator}\p{GCB=L}\p{GCB=V}\p{GCB=T}]"
)


@cache
def _patterns() -> tuple[Any, Any]:
    """The compiled grapheme and joining patterns.

    Compiled on the first text analysed: ``regex`` takes longer to import than the rest of the
    domain, and importing the domain (``smsadmin --help``) needs none of it.
    """
    import regex  # type: ignore[import-untyped,unused-ignore]  # noqa: PLC0415

    return regex.compile(r"\X"), regex.compile(_JOINING)


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
        return self.units * _unit_bits(self.encoding)

    @property
    def total_bits(self) -> int:
        """Size in bits including the 48-bit header every part of a multipart text carries."""
        headers = self.segments * _HEADER_BITS if self.segments > 1 else 0
        return self.message_bits + headers


def analyze(text: str) -> SegmentAnalysis:
    """Work out how a text is encoded and how many segments it takes.

    An empty text is GSM-7 with 0 units and 1 segment, as the reference calculator reports;
    carriers reject an empty body, so callers should check for that separately.

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
    offsets: Sequence[int]
    if extension == 0:
        offsets = range(septets + 1)
    else:
        sizes = text.translate(_GSM_SEPTETS).encode("ascii")
        offsets = list(accumulate(sizes, initial=0))
    segments = _count_segments(offsets, _SEPTET_BITS)
    return SegmentAnalysis(encoding=Encoding.GSM_7, segments=segments, units=septets)


def _analyze_ucs2(text: str) -> SegmentAnalysis:
    graphemes = _graphemes(text)
    units = _utf16_length(text)
    offsets: Sequence[int]
    if len(graphemes) == units:
        offsets = range(units + 1)
    else:
        offsets = list(accumulate(map(_utf16_length, graphemes), initial=0))
    non_gsm = [g for g in dict.fromkeys(graphemes) if len(g) > 1 or g not in _GSM]
    return SegmentAnalysis(
        encoding=Encoding.UCS_2,
        segments=_count_segments(offsets, _CODE_UNIT_BITS),
        units=units,
        non_gsm_characters=tuple(non_gsm),
    )


def _graphemes(text: str) -> list[str]:
    """Split a text into grapheme clusters, with CR LF as two characters like the calculator."""
    grapheme, joining = _patterns()
    if joining.search(text) is None:
        # Without these, every code point is a cluster of its own (CR LF aside).
        return list(text)
    clusters: list[str] = grapheme.findall(text)
    if "\r\n" not in text:
        return clusters
    return [part for cluster in clusters for part in _split_crlf(cluster)]


def _split_crlf(cluster: str) -> tuple[str, ...]:
    return ("\r", "\n") if cluster == "\r\n" else (cluster,)


def _utf16_length(text: str) -> int:
    if len(text) == 1:
        return 2 if text > "\uffff" else 1
    # "surrogatepass" keeps a lone surrogate countable as the single code unit it is.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _unit_bits(encoding: Encoding) -> int:
    return _SEPTET_BITS if encoding is Encoding.GSM_7 else _CODE_UNIT_BITS


def _count_segments(offsets: Sequence[int], unit_bits: int) -> int:
    """Count segments the way the reference calculator packs them.

    The text first fills one header-less segment. At the first character that does not fit,
    that segment gets its header and hands trailing characters to the second one until it
    fits again; the second one also takes the character that did not fit. Every later
    segment starts with a header and takes characters while they fit, but always takes its
    first one, so a character larger than a segment sits alone in one (and the first
    segment may be left with only its header).

    Args:
        offsets: Where each encoded character starts, in units, followed by the total:
            strictly increasing from 0.
        unit_bits: Bits per unit. Every size is a whole number of units, so comparing unit
            counts with the capacities rounded down is the same as comparing bits.

    Returns:
        The number of segments (1 for an empty text).
    """
    single = _SEGMENT_BITS // unit_bits
    if offsets[-1] <= single:
        return 1
    part = (_SEGMENT_BITS - _HEADER_BITS) // unit_bits
    last = len(offsets) - 1
    overflow = bisect_right(offsets, single) - 1
    start = min(overflow, bisect_right(offsets, part) - 1)
    forced = overflow + 1
    segments = 1
    while True:
        segments += 1
        end = max(forced, bisect_right(offsets, offsets[start] + part) - 1)
        if end >= last:
            return segments
        start, forced = end, end + 1
