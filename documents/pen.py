"""Text on a page the way its language writes it: each string in a font that has its characters, Arabic joined
and in the order it is drawn, and every position told from the side a line starts on, so one layout serves both
directions (right to left, the whole page is mirrored: the first column is the rightmost).

ReportLab draws glyphs where it is told and shapes nothing, so what a browser does for an Arabic page is done here
before a string reaches the canvas: arabic-reshaper picks each letter's joined form, and the Unicode bidi algorithm
(python-bidi's implementation that also mirrors brackets) puts the string in the order it is drawn. Numbers,
references and amounts stay left to right inside it, as the algorithm and CLDR's marks say."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Literal

import arabic_reshaper
from bidi.algorithm import get_display
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from documents.fonts import face_for, visible
from documents.sheets import Kind
from models.languages import FACTS, SupportedLanguage

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 50.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
INK = Color(0.1, 0.12, 0.16)
MUTED = Color(0.38, 0.41, 0.46)
LINE = Color(0.78, 0.8, 0.84)
BAND = Color(0.94, 0.95, 0.97)
FAKE_BOLD = 0.035
"""The outline stroked around a font's letters, as a share of its size, where the font has no bold of its own."""
Align = Literal["start", "end"]
RIGHT_TO_LEFT_CLASSES = frozenset({"R", "AL", "AN"})
BASES: dict[Kind, str | None] = {"words": "R", "data": None, "code": "L"}


class Pen:
    def __init__(self, canvas: Canvas, language: SupportedLanguage) -> None:
        self.canvas = canvas
        self.language = language
        self.rtl = FACTS[language].right_to_left

    def drawn(self, text: str, kind: Kind = "words") -> str:
        """``text`` as it is drawn: joined, in the order of drawing, without the marks that ordered it."""
        if self.rtl or _has_right_to_left(text):
            base = BASES[kind] if self.rtl else None  # None: the text's own first strong letter
            text = get_display(arabic_reshaper.reshape(text), base_dir=base)
        return visible(text)

    def width(self, text: str, size: float, strong: bool = False, kind: Kind = "words") -> float:
        shown = self.drawn(text, kind)
        return float(stringWidth(shown, self._font(shown, strong), size))

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        *,
        align: Align = "start",
        strong: bool = False,
        kind: Kind = "words",
        color: Color = INK,
    ) -> None:
        """``text`` with its start (or its end) at ``x`` from the side lines start on, on the baseline ``y``."""
        shown = self.drawn(text, kind)
        face = face_for(shown, self.language)
        font = face.bold if strong and face.bold else face.name
        width = stringWidth(shown, font, size)
        left = self._left(x, width, align)
        self.canvas.saveState()  # the text render mode and the stroke are the graphics state's: kept to this text
        drawing = self.canvas.beginText(left, y)
        drawing.setFont(font, size)
        drawing.setFillColor(color)
        if strong and face.bold is None:
            drawing.setTextRenderMode(2)  # fill and stroke: a bold of any font
            self.canvas.setStrokeColor(color)
            self.canvas.setLineWidth(size * FAKE_BOLD)
        drawing.textOut(shown)
        self.canvas.drawText(drawing)
        self.canvas.restoreState()

    def rule(self, start: float, end: float, y: float, width: float = 0.6, color: Color = LINE) -> None:
        self.canvas.setStrokeColor(color)
        self.canvas.setLineWidth(width)
        self.canvas.line(self._x(start), y, self._x(end), y)

    def band(self, start: float, end: float, top: float, bottom: float, color: Color = BAND) -> None:
        """A filled stripe (a table's heading row)."""
        left, right = sorted((self._x(start), self._x(end)))
        self.canvas.setFillColor(color)
        self.canvas.rect(left, bottom, right - left, top - bottom, stroke=0, fill=1)

    def lines(self, text: str, width: float, size: float, strong: bool = False, kind: Kind = "words") -> list[str]:
        """``text`` broken into lines no wider than ``width``: between words, and inside a word that alone is
        wider (Chinese is written without spaces)."""
        found: list[str] = []
        line = ""
        for word in text.split():
            candidate = f"{line} {word}" if line else word
            if self.width(candidate, size, strong, kind) <= width:
                line = candidate
                continue
            if line:
                found.append(line)
            line = ""
            for piece in self._pieces(word, width, size, strong, kind):
                if line:
                    found.append(line)
                line = piece
        if line:
            found.append(line)
        return found or [""]

    def _pieces(self, word: str, width: float, size: float, strong: bool, kind: Kind) -> Iterator[str]:
        piece = ""
        for char in word:
            if piece and self.width(piece + char, size, strong, kind) > width:
                yield piece
                piece = ""
            piece += char
        yield piece

    def _font(self, shown: str, strong: bool) -> str:
        face = face_for(shown, self.language)
        return face.bold if strong and face.bold else face.name

    def _x(self, x: float) -> float:
        return PAGE_WIDTH - MARGIN - x if self.rtl else MARGIN + x

    def _left(self, x: float, width: float, align: Align) -> float:
        """Where a string of ``width`` starting (or ending) at ``x`` begins on the page, counted from its left."""
        edge = self._x(x)
        ends_left_of_edge = (align == "end") != self.rtl
        return edge - width if ends_left_of_edge else edge


def _has_right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in RIGHT_TO_LEFT_CLASSES for char in text)
