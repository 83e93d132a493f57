"""Server-side charts as data for inline SVG templates, so they print in PDFs too."""

from dataclasses import dataclass
from decimal import Decimal

from .money import format_money


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    available_width: Decimal
    approved_width: Decimal
    proposed_width: Decimal
    text: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar]
    scale_label: str
    description: str


def funding_bars(rows, *, width: int = 720, label_width: int = 230) -> BarChart:
    """One bar per stream: available as an outline, approved filled, proposed after it.

    ``rows`` are objects with ``label``, ``available``, ``approved`` and ``proposed``.
    """
    bar_height, gap = 18, 10
    plot = width - label_width - 10
    largest = max(
        [max(r.available, r.approved + r.proposed) for r in rows] or [Decimal("0")]
    ) or Decimal("1")
    scale = Decimal(plot) / largest
    tenth = Decimal("0.1")
    bars = []
    for index, row in enumerate(rows):
        bars.append(
            Bar(
                label=row.label,
                y=index * (bar_height + gap),
                available_width=(row.available * scale).quantize(tenth),
                approved_width=(min(row.approved, largest) * scale).quantize(tenth),
                proposed_width=(row.proposed * scale).quantize(tenth),
                text=(
                    f"{row.label}: {format_money(row.approved)} approved and "
                    f"{format_money(row.proposed)} proposed of {format_money(row.available)} "
                    "available"
                ),
            )
        )
    description = "; ".join(bar.text for bar in bars) + "." if bars else "No streams."
    return BarChart(
        width=width,
        height=max(len(bars), 1) * (bar_height + gap) + 30,
        label_width=label_width,
        bar_height=bar_height,
        bars=bars,
        scale_label=f"Longest bar: {format_money(largest)}",
        description=description,
    )
