"""Where every box of a picture goes, computed here and pinned for Graphviz (``layout=nop2``).

graphviz-pure's ``dot`` ignores the order of nodes within a rank, so the
slides' v11 v12 v21 ... came out scrambled. This module places things itself:

* **Blocks.** A cluster (the slides' "Weights V", an ``nn`` layer) is one rigid
  block; every other node is a block of its own. Inside a block, columns follow
  the data (an operation one column right of what it reads, its result one
  more), rows follow the order the block was given (the slides' row-major order).
* **Columns by block.** A block that computes something sits one column right
  of the blocks it reads; a block of inputs only (X, V, W, the labels Y) sits
  just left of the first block that reads it, so inputs stand next to their
  operations. Blocks are right-aligned in their column: outputs face readers.
* **Rows.** Blocks of one column are stacked in the order of their neighbours'
  mean height (the barycentre rule, which removes most edge crossings) and
  moved as close to those neighbours as stacking allows (an exact least-squares
  fit under the stacking order, by pool-adjacent-violators); a few sweeps left
  to right and back settle the whole picture.
* **Edges** between neighbouring columns are drawn as smooth curves computed
  here, each number on its curve where it overlaps nothing; an edge that would
  run through a box (a long edge) is left to Graphviz, which routes around boxes.

Coordinates: ``along`` runs with the data (left to right for ``rankdir="LR"``),
``across`` down the rows; ``Placement.point`` turns them into Graphviz points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

ARROW_LENGTH = 7.0  # Graphviz's arrowhead (10 points) at the drawing's arrowsize 0.7
# Where along its curve an edge's number may sit, most wanted first: near its input when
# that input has no other labelled edge there (the number then stands beside its row),
# else mid-way, where edges leaving one box have parted.
NEAR_TAIL_SPOTS = tuple(sorted((step / 20 for step in range(3, 18)), key=lambda t: abs(t - 0.2)))
MIDDLE_SPOTS = tuple(sorted((step / 20 for step in range(3, 18)), key=lambda t: abs(t - 0.5)))
CURVE_SAMPLES = 32
PARALLEL_APART = 9.0  # points between two edges joining the same pair of boxes
SWEEPS = 8
WIDENINGS = 4  # times a corridor may grow because a number found no free spot


@dataclass
class Item:
    """One Graphviz node to place: a value's box or an operation's circle."""

    name: str
    along: float  # extent along the data flow
    across: float  # extent across it
    block: int
    is_operation: bool = False
    room: float = 0.0  # across, kept free for it in its column (an operation: its result's)
    column: int = 0  # inside its block
    offset: float = 0.0  # across, inside its block
    centre: tuple[float, float] = (0.0, 0.0)  # (along, across) in the picture


@dataclass
class Block:
    """A rigid group of items: a cluster with a title, or one node and its operation."""

    members: list[str]
    title: str | None = None
    title_size: tuple[float, float] = (0.0, 0.0)  # (width, height) of the title text
    rank: int = 0
    start: float = 0.0  # along, its left edge
    width: float = 0.0
    top: float = 0.0  # across, relative to its offset
    bottom: float = 0.0
    offset: float = 0.0


@dataclass
class Route:
    """An edge drawn here: Graphviz ``pos`` (a cubic Bézier and its arrow) and label centre."""

    points: list[tuple[float, float]]  # Bézier control points, (along, across)
    arrow_end: tuple[float, float]
    label_at: tuple[float, float] | None = None
    label_size: tuple[float, float] = (0.0, 0.0)  # (width, height) in points, as drawn


@dataclass
class Placement:
    """The result: centres of items, cluster boxes, routed edges, the overall extent."""

    rankdir: str
    items: dict[str, Item]
    blocks: list[Block]
    routes: dict[tuple[str, str, int], Route] = field(default_factory=dict)

    def point(self, along: float, across: float) -> tuple[float, float]:
        """Graphviz coordinates (points, y up) of a spot given along and across the flow."""
        if self.rankdir == "LR":
            return along, -across
        if self.rankdir == "RL":
            return -along, -across
        if self.rankdir == "TB":
            return across, -along
        return across, along  # BT

    def pos(self, name: str) -> str:
        x, y = self.point(*self.items[name].centre)
        return f"{x:.2f},{y:.2f}!"

    def size(self, name: str) -> tuple[float, float]:
        """(width, height) in points of an item as drawn."""
        item = self.items[name]
        if self.rankdir in ("LR", "RL"):
            return item.along, item.across
        return item.across, item.along

    def edge_pos(self, route: Route) -> str:
        points = " ".join(_pair(self.point(*spot)) for spot in route.points)
        return f"e,{_pair(self.point(*route.arrow_end))} {points}"

    def label_pos(self, route: Route) -> str:
        return _pair(self.point(*route.label_at))

    def cluster_box(self, block: Block, margin: float) -> str:
        """Graphviz ``bb`` (x0, y0, x1, y1) of a cluster drawn around ``block``."""
        corners = [
            self.point(block.start - margin, block.offset + block.top),
            self.point(block.start + block.width + margin, block.offset + block.bottom),
        ]
        xs = sorted(x for x, _ in corners)
        ys = sorted(y for _, y in corners)
        return f"{xs[0]:.2f},{ys[0]:.2f},{xs[1]:.2f},{ys[1]:.2f}"

    def extent(self, margin: float) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of everything drawn, as (along, across) bounds."""
        left = min(block.start - margin for block in self.blocks)
        right = max(block.start + block.width + margin for block in self.blocks)
        top = min(block.offset + block.top for block in self.blocks)
        bottom = max(block.offset + block.bottom for block in self.blocks)
        return left, top, right, bottom


def _pair(point: tuple[float, float]) -> str:
    return f"{point[0]:.2f},{point[1]:.2f}"


def lay_out(items: dict[str, Item], inputs: dict[str, list[str]], blocks: list[Block],
            order: list[str], gaps, rankdir: str = "LR",
            labels: dict[tuple[str, str, int], tuple[float, float]] | None = None) -> Placement:
    """Place ``items`` (in topological ``order``; ``inputs[name]`` are the items it reads).

    ``gaps`` gives the spacing (a ``Theme``: row_gap, labelled_gap, plain_gap,
    block_gap, cluster_margin). ``labels`` maps an edge ``(tail, head, k)`` (the
    k-th edge between them) to its label's (width, height): those edges get a
    curve and a label spot computed here.
    """
    position = {name: number for number, name in enumerate(order)}
    _columns_inside_blocks(items, inputs, blocks, position)
    _rank_blocks(items, inputs, blocks, position)
    _place_along(items, blocks, gaps)
    for block in blocks:
        _stack_inside(block, items, inputs, gaps.row_gap)
        if block.title is not None:
            block.top -= gaps.cluster_margin + block.title_size[1]
            block.bottom += gaps.cluster_margin
    _place_across(items, inputs, blocks, gaps.block_gap)
    labels = labels or {}
    _widen_for_labels(items, blocks, labels, gaps.labelled_gap)
    for _ in range(WIDENINGS):
        routes, clashes = _routes(items, inputs, labels)
        if not clashes:
            break
        # Numbers that found no free spot: give their corridors one more number's width.
        widths: dict[float, float] = {}
        for tail, head, number in clashes:
            edge_at = round(_left(items[head]), 1)
            widths[edge_at] = max(widths.get(edge_at, 0.0), labels[tail, head, number][0] + 12)
        for edge_at in sorted(widths, reverse=True):
            _shift_from(items, edge_at, widths[edge_at])
        _fit_blocks(items, blocks)
    placement = Placement(rankdir, items, blocks)
    placement.routes = routes
    return placement


# ----- columns -----------------------------------------------------------------------


def _columns_inside_blocks(items, inputs, blocks, position):
    for block in blocks:
        members = set(block.members)
        for name in sorted(block.members, key=position.__getitem__):
            inside = [items[source].column for source in inputs[name] if source in members]
            items[name].column = 1 + max(inside) if inside else 0


def _rank_blocks(items, inputs, blocks, position):
    """Computing blocks one rank right of what they read; input-only blocks before their readers."""
    reads: list[set[int]] = [set() for _ in blocks]
    for number, block in enumerate(blocks):
        for name in block.members:
            reads[number].update(items[source].block for source in inputs[name])
        reads[number].discard(number)
    computing = [any(inputs[name] for name in block.members) for block in blocks]
    first = [min(position[name] for name in block.members) for block in blocks]
    ranked: dict[int, int] = {}
    waiting = sorted((number for number in range(len(blocks)) if computing[number]),
                     key=first.__getitem__)
    while waiting:
        # The first block whose computing inputs all have ranks; a cycle (odd groups)
        # is broken at the block that starts earliest.
        ready = next((number for number in waiting
                      if all(source in ranked or not computing[source]
                             for source in reads[number])), waiting[0])
        waiting.remove(ready)
        ranked[ready] = 1 + max((ranked[source] for source in reads[ready]
                                 if source in ranked), default=0)
    readers: list[list[int]] = [[] for _ in blocks]
    for number, sources in enumerate(reads):
        for source in sources:
            readers[source].append(number)
    for number, block in enumerate(blocks):
        if computing[number]:
            block.rank = ranked[number]
        else:
            block.rank = min((ranked[reader] for reader in readers[number]
                              if reader in ranked), default=1) - 1


def _place_along(items, blocks, gaps):
    """Left edges of ranks and blocks, centres of items along the flow."""
    layouts = {}
    for number, block in enumerate(blocks):
        widths: dict[int, float] = {}
        operations: dict[int, bool] = {}
        for name in block.members:
            item = items[name]
            widths[item.column] = max(widths.get(item.column, 0.0), item.along)
            operations[item.column] = operations.get(item.column, False) or item.is_operation
        starts, cursor = {}, 0.0
        for column in sorted(widths):
            if starts:
                cursor += gaps.labelled_gap if operations[column] else gaps.plain_gap
            starts[column] = cursor
            cursor += widths[column]
        block.width = max(cursor, block.title_size[0])
        layouts[number] = (starts, widths, (block.width - cursor) / 2)
    rank_width: dict[int, float] = {}
    for block in blocks:
        rank_width[block.rank] = max(rank_width.get(block.rank, 0.0), block.width)
    rank_start, cursor = {}, 0.0
    between = gaps.labelled_gap + 2 * gaps.cluster_margin
    for rank in sorted(rank_width):
        rank_start[rank] = cursor
        cursor += rank_width[rank] + between
    for number, block in enumerate(blocks):
        # Right-aligned: a block's results face the blocks that read them.
        block.start = rank_start[block.rank] + rank_width[block.rank] - block.width
        starts, widths, centring = layouts[number]
        for name in block.members:
            item = items[name]
            along = block.start + centring + starts[item.column] + widths[item.column] / 2
            item.centre = (along, 0.0)


# ----- rows --------------------------------------------------------------------------


def fit_in_order(wanted: list[float], weights: list[float], spacing: list[float]) -> list[float]:
    """Positions as close as possible to ``wanted`` (least squares, weighted) in the given
    order, each at least ``spacing[i]`` after the one before (``spacing[0]`` is ignored).

    With s the running sum of spacings, p - s must not decrease: an isotonic
    regression of wanted - s, solved exactly by pooling adjacent violators.
    """
    shifts, total = [], 0.0
    for number, gap in enumerate(spacing):
        total += gap if number else 0.0
        shifts.append(total)
    pools: list[list[float]] = []  # [weighted sum, weight, count]
    for target, weight, shift in zip(wanted, weights, shifts):
        pools.append([(target - shift) * weight, weight, 1])
        while len(pools) > 1 and pools[-2][0] / pools[-2][1] > pools[-1][0] / pools[-1][1]:
            value, weight_sum, count = pools.pop()
            pools[-1][0] += value
            pools[-1][1] += weight_sum
            pools[-1][2] += count
    fitted = []
    for value, weight_sum, count in pools:
        fitted.extend([value / weight_sum] * count)
    return [level + shift for level, shift in zip(fitted, shifts)]


def _stack_inside(block, items, inputs, row_gap):
    """Offsets of items inside a block: a column in its given order, each result level with
    its operation and each operation as near as it may be to what it reads in the block."""
    members = set(block.members)
    rank_in_block = {name: number for number, name in enumerate(block.members)}
    columns: dict[int, list[str]] = {}
    for name in block.members:
        columns.setdefault(items[name].column, []).append(name)
    for column in sorted(columns):
        names = sorted(columns[column], key=rank_in_block.__getitem__)
        wanted, previous = [], None
        for name in names:
            inside = [items[source].offset for source in inputs[name] if source in members]
            if inside:
                wanted.append(sum(inside) / len(inside))
            else:
                # Nothing inside to line up with: stack right under the one before.
                wanted.append(previous if previous is not None else 0.0)
            previous = wanted[-1] + _room(items[name])
        spacing = [0.0] + [
            (_room(items[above]) + _room(items[below])) / 2 + row_gap
            for above, below in zip(names, names[1:])
        ]
        for name, offset in zip(names, fit_in_order(wanted, [1.0] * len(names), spacing)):
            items[name].offset = offset
    block.top = min(items[name].offset - items[name].across / 2 for name in block.members)
    block.bottom = max(items[name].offset + items[name].across / 2 for name in block.members)


def _room(item):
    return max(item.across, item.room)


def _place_across(items, inputs, blocks, block_gap):
    """Offsets of blocks: stacked per rank, pulled towards their neighbours, sweep by sweep."""
    neighbours: dict[str, list[str]] = {name: [] for name in items}
    for head, sources in inputs.items():
        for tail in sources:
            if items[tail].block != items[head].block:
                neighbours[head].append(tail)
                neighbours[tail].append(head)
    ranks: dict[int, list[int]] = {}
    for number, block in enumerate(blocks):
        ranks.setdefault(block.rank, []).append(number)
    for members in ranks.values():
        cursor = 0.0
        for number in members:
            block = blocks[number]
            block.offset = cursor - block.top
            cursor += block.bottom - block.top + block_gap
    ordered = sorted(ranks)
    for sweep in range(SWEEPS):
        for rank in (ordered if sweep % 2 == 0 else ordered[::-1]):
            ranks[rank] = _settle(ranks[rank], blocks, items, neighbours, block_gap)
    lowest = min(block.offset + block.top for block in blocks)
    for block in blocks:
        block.offset -= lowest
        for name in block.members:
            item = items[name]
            item.centre = (item.centre[0], block.offset + item.offset)


def _settle(members, blocks, items, neighbours, block_gap):
    """One rank: order its blocks by where their neighbours are, then fit them there."""
    wanted, weights = {}, {}
    for number in members:
        block = blocks[number]
        pulls = [blocks[items[other].block].offset + items[other].offset - items[name].offset
                 for name in block.members for other in neighbours[name]]
        wanted[number] = sum(pulls) / len(pulls) if pulls else block.offset
        weights[number] = float(max(len(pulls), 1))
    # Sorted by where the middle of each block wants to be; ties keep the given order.
    members = sorted(members, key=lambda number: wanted[number]
                     + (blocks[number].top + blocks[number].bottom) / 2)
    spacing = [0.0] + [
        blocks[above].bottom - blocks[below].top + block_gap
        for above, below in zip(members, members[1:])
    ]
    fitted = fit_in_order([wanted[number] for number in members],
                          [weights[number] for number in members], spacing)
    for number, offset in zip(members, fitted):
        blocks[number].offset = offset
    return members


def _widen_for_labels(items, blocks, labels, gap):
    """Move columns apart where labelled edges need more room for their numbers.

    The edges entering one column share the corridor before it. It gets wider
    when they climb steeply (about 0.3 of the climb, at most four usual gaps)
    and when their numbers, stacked, would not fit its height: then the numbers
    stand in several columns side by side. Everything from the column onwards
    moves right.
    """
    corridors: dict[float, list[tuple[str, str, int]]] = {}
    for key in labels:
        tail, head = items[key[0]], items[key[1]]
        if _left(head) > _right(tail):
            corridors.setdefault(round(_left(head), 1), []).append(key)
    for edge_at in sorted(corridors, reverse=True):
        keys = corridors[edge_at]
        start = max(_right(items[tail]) for tail, _, _ in keys)
        end = min(_left(items[head]) for _, head, _ in keys)
        acrosses = [items[name].centre[1] for key in keys for name in key[:2]]
        heads = [items[head].centre[1] for _, head, _ in keys]
        climb = max(abs(items[head].centre[1] - items[tail].centre[1]) for tail, head, _ in keys)
        width = max(labels[key][0] for key in keys)
        height = max(labels[key][1] for key in keys)
        # Numbers gather where edges converge: count the heads' span as much as the whole.
        span = (max(acrosses) - min(acrosses) + max(heads) - min(heads)) / 2 + height
        stacks = math.ceil(len(keys) * height * 2 / (span + 2 * height))
        wanted = max(gap, min(0.2 * climb, 3 * gap), stacks * (width + 8) + 8)
        if wanted > end - start:
            _shift_from(items, end, wanted - (end - start))
    _fit_blocks(items, blocks)


def _shift_from(items, edge_at, distance):
    """Move every item whose left edge is at or past ``edge_at`` by ``distance`` along."""
    for item in items.values():
        if _left(item) >= edge_at - 0.1:
            item.centre = (item.centre[0] + distance, item.centre[1])


def _fit_blocks(items, blocks):
    """Blocks around their items again, after items moved along."""
    for block in blocks:
        left = min(_left(items[name]) for name in block.members)
        right = max(_right(items[name]) for name in block.members)
        block.width = max(right - left, block.title_size[0])
        block.start = left - (block.width - (right - left)) / 2


def _left(item):
    return item.centre[0] - item.along / 2


def _right(item):
    return item.centre[0] + item.along / 2


# ----- edges -------------------------------------------------------------------------


def _bounds(item, grow=0.0):
    along, across = item.centre
    return (along - item.along / 2 - grow, across - item.across / 2 - grow,
            along + item.along / 2 + grow, across + item.across / 2 + grow)


def _overlap(first, second):
    return (first[0] < second[2] and second[0] < first[2]
            and first[1] < second[3] and second[1] < first[3])


def bezier(points, t):
    """The point at parameter ``t`` of a cubic Bézier curve."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    u = 1 - t
    return (u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
            u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3)


def _curve(tail: Item, head: Item, apart: float = 0.0):
    """A curve leaving ``tail`` forwards and entering ``head`` level, with room for the arrow;
    ``apart`` moves both ends across (two edges between the same pair, as in x·x)."""
    start = (tail.centre[0] + tail.along / 2, tail.centre[1] + apart)
    end = (head.centre[0] - head.along / 2, head.centre[1] + apart)
    stop = (end[0] - ARROW_LENGTH, end[1])
    bend = (stop[0] - start[0]) * 0.45
    points = [start, (start[0] + bend, start[1]), (stop[0] - bend, stop[1]), stop]
    return points, end


class _Buckets:
    """A coarse grid of cells, so that "what is near this box?" looks at neighbours only."""

    def __init__(self, cell: float = 80.0):
        self.cell = cell
        self.cells: dict[tuple[int, int], list] = {}

    def _cells(self, box):
        left, top, right, bottom = (math.floor(side / self.cell) for side in box)
        return ((column, row) for column in range(left, right + 1) for row in range(top, bottom + 1))

    def add(self, box, value) -> None:
        for cell in self._cells(box):
            self.cells.setdefault(cell, []).append((box, value))

    def near(self, box):
        found = {}
        for cell in self._cells(box):
            for other, value in self.cells.get(cell, ()):
                found[id(value), other] = (other, value)
        return found.values()


def _routes(items, inputs, labels):
    """Curves for edges that run forwards without crossing a box; label spots on them.

    Returns the routes and the labelled edges whose number found no free spot.
    """
    boxes = _Buckets()
    for name, item in items.items():
        boxes.add(_bounds(item, 2.0), name)
    routes: dict[tuple[str, str, int], Route] = {}
    curves = _Buckets()
    for head, sources in inputs.items():
        seen: dict[str, int] = {}
        for tail in sources:
            key = (tail, head, seen.get(tail, 0))
            seen[tail] = key[2] + 1
            if _left(items[head]) <= _right(items[tail]) + ARROW_LENGTH:
                continue  # not forwards: Graphviz routes it
            apart = (key[2] - (sources.count(tail) - 1) / 2) * PARALLEL_APART
            points, end = _curve(items[tail], items[head], apart)
            along_curve = [bezier(points, step / CURVE_SAMPLES)
                           for step in range(CURVE_SAMPLES + 1)]
            if any(name not in (tail, head) and _inside(spot, box)
                   for spot in along_curve[1:-1] for box, name in boxes.near(_dot(spot))):
                continue  # it would cross a box: Graphviz routes it around
            routes[key] = Route(points, end)
            for spot in along_curve:
                curves.add(_dot(spot), key)
    fan_out: dict[str, int] = {}
    for tail, head, _ in labels:
        if (tail, head, 0) in routes:
            fan_out[tail] = fan_out.get(tail, 0) + 1
    placed = _Buckets()
    clashes = []
    for key in sorted(labels, key=lambda key: (items[key[1]].centre, items[key[0]].centre)):
        if key not in routes:
            continue
        width, height = labels[key]
        spots = NEAR_TAIL_SPOTS if fan_out[key[0]] == 1 else MIDDLE_SPOTS
        spot, cost = _label_spot(key, routes[key], width, height, placed, boxes, curves, spots)
        if cost >= CLASH:
            clashes.append(key)
        routes[key].label_at = spot
        routes[key].label_size = (width, height)
        placed.add((spot[0] - width / 2, spot[1] - height / 2,
                    spot[0] + width / 2, spot[1] + height / 2), key)
    return routes, clashes


def _dot(spot):
    return (spot[0], spot[1], spot[0], spot[1])


def _inside(spot, box):
    return box[0] < spot[0] < box[2] and box[1] < spot[1] < box[3]


CLASH = 100  # the cost of a number over another number or over a box
LABEL_PAD = 4.0  # points kept free around a number


def _label_spot(key, route, width, height, placed, boxes, curves, spots):
    """The spot on the curve whose label box hits the fewest other labels, boxes and edges;
    returns it with its cost."""
    candidates = []
    # Kept a little apart from everything: two numbers touching would read as one.
    half_width, half_height = width / 2 + LABEL_PAD, height / 2 + LABEL_PAD
    for t in spots:
        spot = bezier(route.points, t)
        candidates.append((spot, (spot[0] - half_width, spot[1] - half_height,
                                  spot[0] + half_width, spot[1] + half_height)))
    # One look around the whole stretch of curve, then each spot checks only those.
    reach = (min(box[0] for _, box in candidates), min(box[1] for _, box in candidates),
             max(box[2] for _, box in candidates), max(box[3] for _, box in candidates))
    obstacles = [other for other, _ in placed.near(reach)]
    obstacles += [other for other, _ in boxes.near(reach)]
    points = [(point, other) for point, other in curves.near(reach) if other != key]
    best, best_cost = None, math.inf
    for rank, (spot, box) in enumerate(candidates):
        cost = CLASH * sum(_overlap(box, other) for other in obstacles)
        left, top, right, bottom = box
        crossed = {other for (x, y, _, _), other in points
                   if left < x < right and top < y < bottom}
        cost += 10 * len(crossed) + rank * 0.2
        if cost < best_cost:
            best, best_cost = spot, cost
    return best, best_cost


# ----- judging a layout ---------------------------------------------------------------


def segments_cross(first, second) -> bool:
    """True when two segments ((x, y), (x, y)) cross at a point inside both."""
    (ax, ay), (bx, by) = first
    (cx, cy), (dx, dy) = second

    def side(px, py, qx, qy, rx, ry):
        return (qx - px) * (ry - py) - (qy - py) * (rx - px)

    d1 = side(cx, cy, dx, dy, ax, ay)
    d2 = side(cx, cy, dx, dy, bx, by)
    d3 = side(ax, ay, bx, by, cx, cy)
    d4 = side(ax, ay, bx, by, dx, dy)
    return d1 * d2 < 0 and d3 * d4 < 0


def count_crossings(centres: dict[str, tuple[float, float]],
                    edges: list[tuple[str, str]]) -> int:
    """Pairs of edges, drawn straight between node centres, that cross; edges sharing a node
    do not count (they meet, they do not cross)."""
    segments = [(tail, head, (centres[tail], centres[head])) for tail, head in edges]
    crossings = 0
    for number, (tail, head, segment) in enumerate(segments):
        for other_tail, other_head, other in segments[number + 1:]:
            if {tail, head} & {other_tail, other_head}:
                continue
            crossings += segments_cross(segment, other)
    return crossings
