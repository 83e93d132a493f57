"""Where each piece of text of a PDF lies on its page, read from the content streams.

pypdf's text visitors report positions inside a form XObject (an SVG chart, for
instance) relative to the form rather than the page, and report where a piece of
text starts but not where it ends; a text that starts inside the page and runs off
its right edge is the fault these readings are for. So the content is walked here:
the graphics state (``q``/``Q``/``cm``, forms drawn with ``Do``), the text matrix
(``Tm``) and each shown string's advance from the font's widths.

It reads what WeasyPrint writes: composite fonts with Identity-H encoding (two bytes
a glyph, a ToUnicode map) and each piece of text placed with ``Tm``. Anything else
stops the reading with an error, rather than giving positions that may be wrong.
"""

# Every float() here reads PDF geometry (points, font units, matrix entries), never
# money: the bounds checked are of the page, to a fraction of a point.

import io
import re
from dataclasses import dataclass

import pikepdf

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
# Operators that move text or change its spacing in ways not modelled here.
UNMODELLED = {"Td", "TD", "T*", "'", '"', "Tc", "Tw", "Tz", "Ts", "TL"}
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(rb"<([0-9a-fA-F]+)>")


@dataclass(frozen=True)
class Page:
    """A page's number and media box, in points from the bottom left."""

    number: int
    left: float
    bottom: float
    right: float
    top: float

    def __str__(self) -> str:
        return (
            f"page {self.number} ({self.right - self.left:.0f} x {self.top - self.bottom:.0f} pt)"
        )


@dataclass(frozen=True)
class TextRun:
    """One string as shown: its page, its text, and where its baseline starts and ends
    in the page's coordinates."""

    page: Page
    text: str
    start: tuple[float, float]
    end: tuple[float, float]
    size: float

    @property
    def inside(self) -> bool:
        """Whether the whole string lies within its page's media box."""
        page = self.page
        return all(
            page.left <= x <= page.right and page.bottom <= y <= page.top
            for x, y in (self.start, self.end)
        )

    def __str__(self) -> str:
        (x0, y0), (x1, y1) = self.start, self.end
        return f"{self.page}: {self.text!r} from ({x0:.0f}, {y0:.0f}) to ({x1:.0f}, {y1:.0f})"


def multiply(first: Matrix, then: Matrix) -> Matrix:
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = then
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def apply(matrix: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return (a * x + c * y + e, b * x + d * y + f)


class _Font:
    def __init__(self, font: pikepdf.Dictionary):
        if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
            raise ValueError(f"Only Identity-H composite fonts are read here, not {font!r}")
        descendant = font.DescendantFonts[0]
        self.default_width = float(descendant.get("/DW", 1000))
        self.widths: dict[int, float] = {}
        entries = list(descendant.get("/W", []))
        while entries:
            first = int(entries.pop(0))
            if isinstance(entries[0], pikepdf.Array):
                for offset, width in enumerate(entries.pop(0)):
                    self.widths[first + offset] = float(width)
            else:
                last, width = int(entries.pop(0)), float(entries.pop(0))
                self.widths.update(dict.fromkeys(range(first, last + 1), width))
        self.unicode = _to_unicode(font.ToUnicode.read_bytes()) if "/ToUnicode" in font else {}

    def decode(self, codes: bytes) -> tuple[str, float]:
        """The text of ``codes`` and its advance, in thousandths of the font size."""
        glyphs = [int.from_bytes(codes[i : i + 2], "big") for i in range(0, len(codes), 2)]
        text = "".join(self.unicode.get(glyph, "\ufffd") for glyph in glyphs)
        return text, sum(self.widths.get(glyph, self.default_width) for glyph in glyphs)


def _to_unicode(cmap: bytes) -> dict[int, str]:
    def text(hex_digits: bytes) -> str:
        return bytes.fromhex(hex_digits.decode()).decode("utf-16-be")

    mapping: dict[int, str] = {}
    for block in _BFCHAR.findall(cmap):
        values = _HEX.findall(block)
        for source, target in zip(values[::2], values[1::2], strict=True):
            mapping[int(source, 16)] = text(target)
    for block in _BFRANGE.findall(cmap):
        values = _HEX.findall(block)
        for low, high, target in zip(values[::3], values[1::3], values[2::3], strict=True):
            start = ord(text(target)[-1])
            for offset, glyph in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[glyph] = text(target)[:-1] + chr(start + offset)
    return mapping


def _numbers(operands) -> Matrix:
    a, b, c, d, e, f = (float(operand) for operand in operands)
    return (a, b, c, d, e, f)


def _walk(content, resources, matrix: Matrix, page: Page, runs: list[TextRun]) -> None:
    saved: list[tuple[Matrix, _Font | None, float]] = []
    fonts: dict[str, _Font] = {}
    text_matrix, font, size = IDENTITY, None, 0.0
    for operands, operator in pikepdf.parse_content_stream(content):
        name = str(operator)
        if name == "q":
            saved.append((matrix, font, size))
        elif name == "Q":
            matrix, font, size = saved.pop()
        elif name == "cm":
            matrix = multiply(_numbers(operands), matrix)
        elif name == "BT":
            text_matrix = IDENTITY
        elif name == "Tm":
            text_matrix = _numbers(operands)
        elif name == "Tf":
            key = str(operands[0])
            if key not in fonts:
                fonts[key] = _Font(resources.Font[key])
            font, size = fonts[key], float(operands[1])
        elif name in ("Tj", "TJ"):
            shown = operands[0] if name == "TJ" else [operands[0]]
            text, advance = "", 0.0
            for item in shown:
                if isinstance(item, pikepdf.String):
                    piece, width = font.decode(bytes(item))
                    text, advance = text + piece, advance + width
                else:
                    advance -= float(item)
            advance = advance * size / 1000
            placed = multiply(text_matrix, matrix)
            runs.append(TextRun(page, text, apply(placed, 0, 0), apply(placed, advance, 0), size))
            text_matrix = multiply((1.0, 0.0, 0.0, 1.0, advance, 0.0), text_matrix)
        elif name == "Do":
            drawn = resources.XObject[str(operands[0])]
            if drawn.get("/Subtype") == "/Form":
                form_matrix = _numbers(drawn.get("/Matrix", IDENTITY))
                inner = drawn.get("/Resources", resources)
                _walk(drawn, inner, multiply(form_matrix, matrix), page, runs)
        elif name in UNMODELLED:
            raise ValueError(f"{name} on page {page} is not modelled by this reader")


def read(pdf: bytes) -> list[TextRun]:
    """Every piece of text shown on the pages of ``pdf``, page by page."""
    runs: list[TextRun] = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            box = Page(number, *(float(value) for value in page.mediabox))
            _walk(page, page.Resources, IDENTITY, box, runs)
    return runs


def lines(runs: list[TextRun]) -> list[str]:
    """The text as a reader sees it: pieces on the same baseline of a page joined
    left to right, one string a line."""
    by_line: dict[tuple[int, float], list[TextRun]] = {}
    for run in runs:
        by_line.setdefault((run.page.number, round(run.start[1], 1)), []).append(run)
    joined = []
    for key in sorted(by_line, key=lambda key: (key[0], -key[1])):
        pieces = sorted(by_line[key], key=lambda run: run.start[0])
        line = pieces[0].text
        for before, piece in zip(pieces, pieces[1:], strict=False):
            gap = piece.start[0] - before.end[0]
            line += (" " if gap > before.size / 10 else "") + piece.text
        joined.append(re.sub(r"\s+", " ", line).strip())
    return joined
