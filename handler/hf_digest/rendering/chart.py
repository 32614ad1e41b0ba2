"""A small line chart of the top topics' papers per day or week, as SVG bytes: no script, no I/O, same input
same bytes.

It is a file beside the post (not inline): GitHub's Markdown view strips inline `<svg>`, while an image tag
pointing at an SVG file shows in GitHub, Jekyll and the S3 site alike. `<title>` and `<desc>` name it for
screen readers; the description lists every count, so nothing is only in the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from hf_digest.enrich.trends import Series

WIDTH = 640
PLOT_TOP, PLOT_HEIGHT = 40, 180
PLOT_LEFT, PLOT_RIGHT = 44, 604
LEGEND_ROW = 22
FONT = "font-family=\"'Noto Sans CJK KR','Noto Sans KR','Apple SD Gothic Neo',sans-serif\""
# Okabe and Ito's palette, told apart with colour blindness too; each line also has its own marker shape.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
MARKERS = ("circle", "square", "diamond", "triangle", "cross", "circle")


def _y_max(series: Sequence[Series]) -> int:
    """The axis top: the largest count, rounded up to an even number (at least 2), so gridlines fall on
    whole papers."""
    top = max((n for s in series for n in s.counts), default=0)
    return max(2, top + top % 2)


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if kind == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if kind == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if kind == "cross":
        return (
            f'<path d="M{x - 4:.1f},{y - 4:.1f}L{x + 4:.1f},{y + 4:.1f}M{x - 4:.1f},{y + 4:.1f}'
            f'L{x + 4:.1f},{y - 4:.1f}" stroke="{colour}" stroke-width="2.5"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def render_svg(title: str, description: str, buckets: Sequence[str], series: Sequence[Series]) -> bytes:
    """The chart: one line per series over buckets (x labels), a y axis of papers, a legend below."""
    height = PLOT_TOP + PLOT_HEIGHT + 30 + LEGEND_ROW * len(series) + 10
    top = _y_max(series)
    step = (PLOT_RIGHT - PLOT_LEFT) / max(1, len(buckets) - 1)

    def x_at(n: int) -> float:
        return PLOT_LEFT + step * n if len(buckets) > 1 else (PLOT_LEFT + PLOT_RIGHT) / 2

    def y_at(count: int) -> float:
        return PLOT_TOP + PLOT_HEIGHT * (1 - count / top)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="chart-title chart-desc" {FONT}>',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="{PLOT_LEFT}" y="22" font-size="15" font-weight="bold" fill="#222">{escape(title)}</text>',
    ]
    for tick in (0, top // 2, top):
        y = y_at(tick)
        out.append(
            f'<line x1="{PLOT_LEFT}" y1="{y:.1f}" x2="{PLOT_RIGHT}" y2="{y:.1f}" stroke="#ddd" '
            'stroke-width="1"/>'
        )
        out.append(
            f'<text x="{PLOT_LEFT - 8}" y="{y + 4:.1f}" font-size="12" text-anchor="end" '
            f'fill="#444">{tick}</text>'
        )
    axis_y = PLOT_TOP + PLOT_HEIGHT + 20
    for n, label in enumerate(buckets):
        out.append(
            f'<text class="bucket" x="{x_at(n):.1f}" y="{axis_y}" font-size="12" text-anchor="middle" '
            f'fill="#444">{escape(label)}</text>'
        )
    for index, one in enumerate(series):
        colour, marker = COLOURS[index % len(COLOURS)], MARKERS[index % len(MARKERS)]
        points = " ".join(f"{x_at(n):.1f},{y_at(c):.1f}" for n, c in enumerate(one.counts))
        out.append(f'<g class="series" data-label={quoteattr(one.label)}>')
        out.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5" '
            'stroke-linejoin="round"/>'
        )
        out += [_marker(marker, x_at(n), y_at(c), colour) for n, c in enumerate(one.counts)]
        out.append("</g>")
        row = axis_y + 16 + LEGEND_ROW * index
        out.append(_marker(marker, PLOT_LEFT + 6, row, colour))
        out.append(
            f'<text class="legend" x="{PLOT_LEFT + 18}" y="{row + 4}" font-size="13" fill="#222">'
            f"{escape(one.label)} ({sum(one.counts)})</text>"
        )
    out.append("</svg>")
    return ("\n".join(out) + "\n").encode("utf-8")
