"""A sheet (documents/sheets.py) drawn as an A4 PDF: the title, the facts with the billing address beside them,
the lines as a table, the totals under it, then the notes. A table too long for the page goes on on the next one,
under its heading again.

The PDF is ``invariant`` (no creation time, a fixed document id): the same order draws the same bytes, so the
receipt attached to the mail and the one downloaded later are one file."""

from __future__ import annotations

from io import BytesIO

from reportlab.pdfgen.canvas import Canvas

from documents.pen import CONTENT_WIDTH, INK, MARGIN, MUTED, PAGE_HEIGHT, PAGE_WIDTH, Align, Pen
from documents.sheets import Column, Sheet
from translations import locale_of

TITLE, BODY, SMALL = 20.0, 9.5, 8.0
LEADING = 1.4
CELL_PADDING = 4.0
LABEL_WIDTH = 120.0
FACTS_WIDTH = CONTENT_WIDTH * 0.58
"""The facts' share of the page; the billing address has the rest."""
AMOUNT_WIDTH = 110.0
TOP = PAGE_HEIGHT - MARGIN
BOTTOM = MARGIN + 24.0
PRODUCER = "onramp"


def pdf(sheet: Sheet) -> bytes:
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=True, lang=str(locale_of(sheet.language)))
    canvas.setTitle(f"{sheet.title} {sheet.number}")
    canvas.setAuthor(PRODUCER)
    canvas.setCreator(PRODUCER)
    _Layout(canvas, sheet).draw()
    canvas.save()
    return buffer.getvalue()


class _Layout:
    def __init__(self, canvas: Canvas, sheet: Sheet) -> None:
        self.canvas = canvas
        self.sheet = sheet
        self.pen = Pen(canvas, sheet.language)
        self.y = TOP

    def draw(self) -> None:
        self._title()
        self._facts()
        self._table()
        self._totals()
        self._notes()
        self._footer()

    # ------------------------------------------------------------------ the parts

    def _title(self) -> None:
        self.y -= TITLE
        self.pen.text(0, self.y, self.sheet.title, TITLE, strong=True)
        self.pen.text(CONTENT_WIDTH, self.y, self.sheet.number, BODY + 2, align="end", kind="code")
        self.y -= TITLE * 0.9
        self.pen.rule(0, CONTENT_WIDTH, self.y, width=1.0, color=INK)
        self.y -= BODY * 2

    def _facts(self) -> None:
        """The facts (label, value) down the start side, the billing address beside them."""
        top = self.y
        for fact in self.sheet.facts:
            lines = self.pen.lines(fact.value, FACTS_WIDTH - LABEL_WIDTH, BODY, kind=fact.kind)
            self.pen.text(0, self.y, fact.label, BODY, color=MUTED)
            for line in lines:
                self.pen.text(LABEL_WIDTH, self.y, line, BODY, kind=fact.kind)
                self.y -= BODY * LEADING
        facts_end = self.y
        if self.sheet.billed_to:
            self.y = top
            start, width = FACTS_WIDTH + 12, CONTENT_WIDTH - FACTS_WIDTH - 12
            self.pen.text(start, self.y, self.sheet.billed_to_label, BODY, color=MUTED)
            self.y -= BODY * LEADING
            for part in self.sheet.billed_to:
                for line in self.pen.lines(part, width, BODY, kind="data"):
                    self.pen.text(start, self.y, line, BODY, kind="data")
                    self.y -= BODY * LEADING
        self.y = min(self.y, facts_end) + BODY - BODY * 1.5  # from the last baseline to the top of the table

    def _table(self) -> None:
        """From here ``y`` is the top of the next row."""
        self._heading_row()
        for row in self.sheet.rows:
            cells = [self._cell_lines(text, column, BODY) for text, column in zip(row, self.sheet.columns, strict=True)]
            height = max(len(lines) for lines in cells) * BODY * LEADING + 2 * CELL_PADDING
            if self.y - height < BOTTOM:
                self._next_page()
                self._heading_row()
            self._cells(cells, self.y - CELL_PADDING - BODY, BODY)
            self.y -= height
            self.pen.rule(0, CONTENT_WIDTH, self.y)

    def _totals(self) -> None:
        label_end = CONTENT_WIDTH - AMOUNT_WIDTH - CELL_PADDING
        label_start = CONTENT_WIDTH * 0.3
        self.y -= CELL_PADDING
        for total in self.sheet.totals:
            lines = self.pen.lines(total.label, label_end - label_start, BODY, strong=total.strong)
            height = len(lines) * BODY * LEADING + CELL_PADDING
            if self.y - height < BOTTOM:
                self._next_page()
            if total.strong:
                self.y -= CELL_PADDING / 2
                self.pen.rule(label_start, CONTENT_WIDTH, self.y, width=0.8, color=INK)
            baseline = self.y - CELL_PADDING - BODY
            for index, line in enumerate(lines):
                self.pen.text(
                    label_end, baseline - index * BODY * LEADING, line, BODY, align="end", strong=total.strong
                )
            self.pen.text(
                CONTENT_WIDTH - CELL_PADDING, baseline, total.value, BODY, align="end", strong=total.strong, kind="data"
            )
            self.y -= height

    def _notes(self) -> None:
        self.y -= BODY * 2
        for note in self.sheet.notes:
            for line in self.pen.lines(note, CONTENT_WIDTH, SMALL):
                if self.y < BOTTOM:
                    self._next_page()
                self.pen.text(0, self.y, line, SMALL, color=MUTED)
                self.y -= SMALL * LEADING
            self.y -= SMALL * 0.5

    def _footer(self) -> None:
        """Every page names its document at the bottom (drawn on the last page; earlier pages got theirs when
        they were closed)."""
        self.pen.text(0, MARGIN, f"{self.sheet.title} {self.sheet.number}", SMALL, color=MUTED)
        self.pen.text(CONTENT_WIDTH, MARGIN, str(self.canvas.getPageNumber()), SMALL, align="end", color=MUTED)

    # ------------------------------------------------------------------ the table's pieces

    def _heading_row(self) -> None:
        cells = [self._cell_lines(column.heading, column, SMALL, strong=True) for column in self.sheet.columns]
        height = max(len(lines) for lines in cells) * SMALL * LEADING + 2 * CELL_PADDING
        self.pen.band(0, CONTENT_WIDTH, self.y, self.y - height)
        self._cells(cells, self.y - CELL_PADDING - SMALL, SMALL, heading=True)
        self.y -= height

    def _cells(self, cells: list[list[str]], baseline: float, size: float, heading: bool = False) -> None:
        """A row's cells, each from ``baseline`` down: text from the start of its column, numbers to its end."""
        start = 0.0
        for lines, column in zip(cells, self.sheet.columns, strict=True):
            width = column.share * CONTENT_WIDTH
            align: Align = "end" if column.numeric else "start"
            x = start + width - CELL_PADDING if column.numeric else start + CELL_PADDING
            kind = "words" if heading else column.kind
            y = baseline
            for line in lines:
                self.pen.text(x, y, line, size, align=align, strong=heading, kind=kind)
                y -= size * LEADING
            start += width

    def _cell_lines(self, text: str, column: Column, size: float, strong: bool = False) -> list[str]:
        kind = "words" if strong else column.kind
        return self.pen.lines(text, column.share * CONTENT_WIDTH - 2 * CELL_PADDING, size, strong, kind)

    def _next_page(self) -> None:
        self._footer()
        self.canvas.showPage()
        self.pen.text(0, TOP - SMALL, self.sheet.continued, SMALL, color=MUTED)
        self.y = TOP - SMALL - BODY * 2
