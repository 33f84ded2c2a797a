"""How pictures look: colours, fonts and spacing, and the projector sizes they can target.

Every picture (``draw``, ``frames``, the page) takes its colours and sizes from
one ``Theme``, so the blue of an input or the red of a gradient means the same
everywhere. Sizes are in points (1/72 inch); Graphviz writes PNGs at 96 dpi, so
a point is 4/3 of a pixel before the picture is scaled to a target size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

FONT = "Helvetica"

# The colour legend (repeated in ``draw``'s docstring).
INPUT_FILL = "#dbeafe"  # light blue: inputs, the leaves a user differentiates
CONSTANT_FILL = "#f3f4f6"  # light grey: constants and labels, data with no gradient
CONSTANT_BORDER = "#a8a29e"  # warm grey: never the cold grey of a gradient still waiting
PARAMETER_FILL = "#dcfce7"  # light green: a model's trainable parameters
COMPUTED_FILL = "#ffffff"  # white: results of operations
ROOT_FILL = "#fde68a"  # amber: the root (usually the loss)
OPERATION_FILL = "#e5e7eb"  # grey circles: operations
OPERATION_BORDER = "#6b7280"
GRADIENT_COLOUR = "#b91c1c"  # dark red text: gradients
EDGE_COLOUR = "#374151"
EDGE_LABEL_COLOUR = "#1d4ed8"  # blue numbers on edges: local derivatives
HIGHLIGHT_COLOUR = "#ea580c"  # orange: paths from the highlighted node to the root
MUTED_COLOUR = "#c4c8cf"  # pale grey: everything off the highlighted paths
MUTED_TEXT = "#8b93a1"
MUTED_FILL = "#f9fafb"
CLUSTER_FILL = "#f8fafc"
CLUSTER_BORDER = "#94a3b8"

# Helvetica advance widths in ems, the metric Graphviz sizes its labels with; a
# character not listed (σ, ∂, →) is given a generous 0.62 em.
_EM_WIDTHS = {
    0.191: "'", 0.222: "ijl", 0.26: "|", 0.278: " ftI!,./:;[]\\", 0.333: "r-()`",
    0.334: "{}", 0.355: '"', 0.389: "*", 0.469: "^", 0.5: "cksvxyzJ",
    0.556: "0123456789abdeghnopquL#$?_", 0.584: "+<=>~", 0.611: "FTZ",
    0.667: "ABEKPSVXY&", 0.722: "wCDHNRU", 0.778: "GOQ", 0.833: "mM", 0.889: "%",
    0.944: "W", 1.015: "@",
}
EM_WIDTH = {character: width for width, characters in _EM_WIDTHS.items()
            for character in characters}
OTHER_EM_WIDTH = 0.62
BOLD_FACTOR = 1.08  # bold glyphs are wider than the regular metric says
LINE_HEIGHT = 1.2  # ems from one line of a label to the next


def text_width(text: str, font_size: float, bold: bool = False) -> float:
    """Width in points of one line of ``text`` in the theme's font."""
    ems = sum(EM_WIDTH.get(character, OTHER_EM_WIDTH) for character in text)
    return ems * font_size * (BOLD_FACTOR if bold else 1.0)


@dataclass(frozen=True)
class Theme:
    """Fonts and spacing of one picture, in points.

    ``node_font`` and ``long_operation_font`` are at least ``edge_label_font``:
    a value's own numbers and an operation's name must never read smaller than
    the derivatives beside them. ``target`` is the pixel
    size the picture is scaled to fit (``None``: its natural size).
    """

    node_font: float = 18.0
    small_font: float = 12.0  # the summary line of a collapsed box
    edge_label_font: float = 15.0
    cluster_font: float = 20.0
    operation_font: float = 22.0  # one-character symbols: ·, ×, σ
    long_operation_font: float = 15.0  # softmax[1], log, relu
    caption_font: float = 22.0
    legend_font: float = 15.0
    node_margin: tuple[float, float] = (8.0, 4.0)  # inside a value box, across and down
    operation_size: float = 29.0  # diameter of a one-character operation circle
    row_gap: float = 12.0  # between two boxes of one column
    labelled_gap: float = 78.0  # before an operation: the edges there carry numbers
    plain_gap: float = 22.0  # between an operation and its result
    block_gap: float = 34.0  # between two blocks, on top of their cluster margins
    cluster_margin: float = 10.0
    target: tuple[int, int] | None = None

    def __post_init__(self):
        for name in ("node_font", "long_operation_font"):
            if getattr(self, name) < self.edge_label_font:
                raise ValueError(f"Theme: {name} must be at least edge_label_font")

    def scaled(self, factor: float) -> Theme:
        """Every font and gap times ``factor`` (the target size stays)."""
        numbers = {
            name: getattr(self, name) * factor
            for name in ("node_font", "small_font", "edge_label_font", "cluster_font",
                         "operation_font", "long_operation_font", "caption_font",
                         "legend_font", "operation_size", "row_gap", "labelled_gap",
                         "plain_gap", "block_gap", "cluster_margin")
        }
        margin = tuple(value * factor for value in self.node_margin)
        return replace(self, **numbers, node_margin=margin)


DEFAULT_THEME = Theme()

# Projector sizes: 1280×720 is a 16:9 slide at 96 dpi (13.33 × 7.5 inches), 1920×1080 full HD.
PROJECTOR_SIZES = {"1280x720": (1280, 720), "1920x1080": (1920, 1080)}

# The smallest text a projector picture may carry, in pixels of the 1280×720 target
# (scaled up with the target). 16 px is 12 pt on a 13.33-inch slide, the usual floor for
# figure labels: on a 3 m wide screen it is text about 2.5 cm high, readable across a
# lecture hall of some 15 m. Edge numbers may be a little smaller than node text, never larger.
MINIMUM_NODE_PIXELS = 16.0
MINIMUM_EDGE_LABEL_PIXELS = 14.0
REFERENCE_HEIGHT = 720


# The projector theme at 1280×720: fonts at the minimum pixel sizes when the picture needs
# no shrinking (12 pt = 16 px at 96 dpi), gaps about two thirds of the default's.
PROJECTOR_THEME = Theme(
    node_font=12.0, small_font=9.0, edge_label_font=10.5, cluster_font=13.0,
    operation_font=15.0, long_operation_font=10.5, caption_font=13.0, legend_font=10.5,
    node_margin=(4.0, 2.0), operation_size=18.0, row_gap=5.0, labelled_gap=40.0,
    plain_gap=8.0, block_gap=12.0, cluster_margin=5.0,
)


def projector_theme(target: tuple[int, int]) -> Theme:
    """The projector theme grown with the target's height (1920×1080: 1.5 times)."""
    return replace(PROJECTOR_THEME.scaled(target[1] / REFERENCE_HEIGHT), target=target)


def parse_size(size) -> tuple[int, int] | None:
    """``None``, ``"1280x720"`` or ``(1280, 720)`` as ``(width, height)`` in pixels."""
    if size is None:
        return None
    if isinstance(size, str):
        if size in PROJECTOR_SIZES:
            return PROJECTOR_SIZES[size]
        found = re.fullmatch(r"\s*(\d+)\s*[x×]\s*(\d+)\s*", size)
        if found:
            size = (int(found.group(1)), int(found.group(2)))
    if (isinstance(size, tuple) and len(size) == 2
            and all(isinstance(side, int) and not isinstance(side, bool) for side in size)
            and all(200 <= side <= 10_000 for side in size)):
        return size
    raise ValueError(
        "size must be None, 'WIDTHxHEIGHT' such as '1280x720' or '1920x1080', or a "
        f"(width, height) pair of whole pixels from 200 to 10000, got {size!r}"
    )
