"""The documents' fonts, all from Python packages (no font of the operating system, so the worker's image needs none):

- Latin (English, German, Slovenian with č, š, ž): Bitstream Vera, which ReportLab ships, with its bold;
- Arabic: Noto Sans Arabic (OFL, the ``fontpkg-noto-sans-arabic`` wheel), which has the joined letter forms
  arabic-reshaper writes and Latin letters and digits too;
- Chinese: ReportLab's built-in CID fonts, STSong-Light (simplified) and MSung-Light (traditional), which a PDF
  names but does not embed: every PDF reader has them (Adobe's Asian font packs, or its own substitute).

A string is drawn in the first of its language's fonts that has every character of it, so a Chinese customer's
name reads in a German receipt and a Slovenian company's name in a Chinese one.

ReportLab names MSung-Light's Unicode encoding ``UniGB-UCS2-H``, a table of the *simplified* collection, which
strict readers refuse for a traditional font (poppler draws nothing); ``TraditionalChinese`` names the
traditional collection's own, ``UniCNS-UCS2-H``.

Registered once, when this module is imported: ReportLab's font registry is global, and documents are drawn on
more than one thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import fontpkg
import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase._cidfontdata import widthsByUnichar
from reportlab.pdfbase.cidfonts import CIDFont, UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

from models.languages import SupportedLanguage

REPORTLAB_FONTS = Path(reportlab.__file__).parent / "fonts"
LATIN, LATIN_BOLD = "OnrampVera", "OnrampVeraBold"
ARABIC = "OnrampNotoSansArabic"
SIMPLIFIED_CHINESE, TRADITIONAL_CHINESE = "STSong-Light", "MSung-Light"
CONTROLS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Bidi marks (CLDR puts them in Arabic amounts and dates): they steer the order of the text and draw nothing."""


class TraditionalChinese(UnicodeCIDFont):  # type: ignore[misc]
    """MSung-Light with the traditional collection's Unicode table (the module's docstring says why)."""

    def __init__(self) -> None:
        CIDFont.__init__(self, TRADITIONAL_CHINESE, "UniCNS-UCS2-H")
        self.language = "cht"
        self.name = self.fontName = TRADITIONAL_CHINESE
        self.vertical = False
        self.isHalfWidth = False
        self.unicodeWidths = widthsByUnichar[TRADITIONAL_CHINESE]


@dataclass(frozen=True)
class Face:
    name: str
    bold: str | None
    """Its bold face; None: bold is drawn by stroking the letters' outline too."""
    draws: Callable[[str], bool]
    """Whether it has a glyph for every character of a string."""


def _true_type(name: str, path: Path) -> Callable[[str], bool]:
    font = TTFont(name, str(path))
    pdfmetrics.registerFont(font)
    characters = frozenset(font.face.charToGlyph)
    return lambda text: all(ord(char) in characters for char in text)


def _character_set(codec: str) -> Callable[[str], bool]:
    """A CID font lists no characters: its collection covers a national character set, which Python's codec for
    that set can tell (Adobe-GB1 covers GBK, Adobe-CNS1 Big5)."""

    def draws(text: str) -> bool:
        try:
            text.encode(codec)
        except UnicodeEncodeError:
            return False
        return True

    return draws


_latin = _true_type(LATIN, REPORTLAB_FONTS / "Vera.ttf")
_true_type(LATIN_BOLD, REPORTLAB_FONTS / "VeraBd.ttf")
_arabic = _true_type(ARABIC, Path(fontpkg.path("Noto Sans Arabic")))
pdfmetrics.registerFont(UnicodeCIDFont(SIMPLIFIED_CHINESE))
pdfmetrics.registerFont(TraditionalChinese())

VERA = Face(LATIN, LATIN_BOLD, _latin)
NOTO_ARABIC = Face(ARABIC, None, _arabic)
SONG = Face(SIMPLIFIED_CHINESE, None, _character_set("gbk"))
MING = Face(TRADITIONAL_CHINESE, None, _character_set("big5"))

FACES: dict[SupportedLanguage, tuple[Face, ...]] = {
    SupportedLanguage.ENGLISH: (VERA, NOTO_ARABIC, SONG, MING),
    SupportedLanguage.GERMAN: (VERA, NOTO_ARABIC, SONG, MING),
    SupportedLanguage.SLOVENIAN: (VERA, NOTO_ARABIC, SONG, MING),
    SupportedLanguage.ARABIC: (NOTO_ARABIC, VERA, SONG, MING),
    SupportedLanguage.SIMPLIFIED_CHINESE: (VERA, NOTO_ARABIC, SONG, MING),
    SupportedLanguage.TRADITIONAL_CHINESE: (VERA, NOTO_ARABIC, MING, SONG),
}
"""Each language's fonts, in the order they are tried. A Chinese document's Latin-only strings (amounts, numbers)
are set in Vera, whose digits and currency signs every reader has; its Chinese in its own script's font, and a
name in the other script's characters (a simplified company name on a traditional receipt) in the other's."""
LAST_RESORT: dict[SupportedLanguage, Face] = {
    SupportedLanguage.TRADITIONAL_CHINESE: MING,
    SupportedLanguage.ARABIC: NOTO_ARABIC,
}
"""What draws a string no font has every character of (a mix of scripts): the language's own font, else Song."""


def face_for(text: str, language: SupportedLanguage) -> Face:
    """The first of the language's fonts that draws every character of ``text``."""
    return next((face for face in FACES[language] if face.draws(text)), LAST_RESORT.get(language, SONG))


def visible(text: str) -> str:
    """``text`` without the bidi marks, which have done their work once the text is in the order it is drawn."""
    return "".join(char for char in text if char not in CONTROLS)
