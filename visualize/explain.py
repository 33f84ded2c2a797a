"""Explaining one gradient as the chain rule: every path, its product, their sum.

``explain(root, node)`` answers "why is d root / d node this number?" the way a
lecture does: each path from ``node`` up to ``root`` contributes the product of
the local derivatives on its edges, and the gradient is the sum over paths.

Nothing is differentiated here. The local derivatives are the ones stored on
the edges (``node.edges``) when the graph was built; this module only counts,
multiplies and adds them. Paths are never enumerated one by one: dynamic
programming over the graph (in backward order, no recursion) gives

* the exact number of paths (a Python int, fine when it is astronomically large),
* the total, which is bit-for-bit what ``backward`` puts in ``node.grad``,
* the ``max_paths`` paths with the largest products; the rest are summarised
  as a count and their summed contribution.
"""

import heapq
import html
from dataclasses import dataclass
from typing import NamedTuple

from autograd import consumers_first

from visualize import derivation
from visualize.derivation import LATEX, MATHML, TEXT
from visualize.tables import format_count, format_number, grouped, node_names, require_value

# Wrap long chains (deep networks) so a terminal line stays readable.
LINE_WIDTH = 100
# Factors a listed path shows, half from each end; the middle of a longer chain is
# elided with its count (the product is still the whole path's).
FACTORS_SHOWN = 12


class Factor(NamedTuple):
    """One edge of a path: d numerator / d denominator, as stored on the graph."""

    numerator: object  # the Value computed from the denominator
    denominator: object  # the input Value
    local_derivative: float


@dataclass(frozen=True)
class ChainPath:
    """One path from the root down to the node, root first.

    ``edges`` holds one ``Factor`` per edge of the graph. ``factors`` is the same
    chain as it is shown: a run through helper nodes with a single input on the
    path (the ``ln p1`` inside L = −Σ y_i ln p_i) is folded into one factor, so
    it reads like the slides' ∂L/∂p1. Both multiply to ``product``.
    """

    factors: tuple
    product: float
    edges: tuple
    # For each factor, the edges it multiplies as (consumer, input position): the
    # formulas of the chain rule are read from them (visualize.derivation).
    steps: tuple = ()


class PathCounts(NamedTuple):
    """How many paths lead from the node to the root."""

    every: int  # all paths
    listable: int  # those that cross no local derivative of exactly 0 (all, without skip_zero)


class Explanation:
    """d root / d node written as the chain rule; prints as text, shows as HTML in Jupyter.

    Data: ``paths`` (the listed ``ChainPath`` s), ``path_count`` (all paths),
    ``zero_path_count`` (paths not listed because a local derivative on them is 0),
    ``omitted_count`` and ``omitted_total`` (the other paths not listed and their
    summed contribution), ``total`` (= ``node.grad`` after ``root.backward()``).
    """

    def __init__(self, root, node, paths, path_counts, total, names, digits, ranked):
        self.root = root
        self.node = node
        self.paths = paths
        self.path_count = path_counts.every
        self.zero_path_count = path_counts.every - path_counts.listable
        self.total = total
        self.names = names
        self.digits = digits
        self.ranked = ranked  # True when only the largest paths are listed, biggest first
        self.omitted_count = path_counts.listable - len(paths)
        listed = sum(path.product for path in paths)
        self.omitted_total = total - listed if self.omitted_count else 0.0

    def name(self, node):
        """The name this explanation uses for ``node`` (its label, or t<row> on the tape)."""
        return self.names[node]

    # ----- text ---------------------------------------------------------------------

    def _title(self):
        top, bottom = grouped(self.name(self.root)), grouped(self.name(self.node))
        count = self.path_count - self.zero_path_count
        noun = "path" if count == 1 else "paths"
        return f"d{top}/d{bottom}: {format_count(count)} {noun} from {bottom} to {top}"

    def _symbols(self, path):
        return _capped([
            f"∂{grouped(self.name(f.numerator))}/∂{grouped(self.name(f.denominator))}"
            for f in _ends(path.factors)
        ], len(path.factors))

    def _formulas(self, path, style, numbers):
        """Each factor of ``path`` as its formula in the nodes' names, or with their numbers put in."""
        if numbers:
            def name_of(node):
                return format_number(node.data, self.digits)
        else:
            name_of = self.name
        written = [
            derivation.factor_formula(steps, style, name_of, first=index == 0)
            for index, steps in enumerate(_ends(path.steps))
        ]
        return _capped(written, len(path.factors), style)

    def _numbers(self, path):
        return _capped(
            [f"({format_number(f.local_derivative, self.digits)})" for f in _ends(path.factors)],
            len(path.factors),
        )

    def _zero_note(self):
        count = self.zero_path_count
        noun = "path crosses" if count == 1 else "paths cross"
        return f"{format_count(count)} more {noun} a local derivative of 0 and add nothing"

    def __str__(self):
        top, bottom = grouped(self.name(self.root)), grouped(self.name(self.node))
        lines = [self._title()]
        if self.node.is_constant:
            lines.append(f"  {bottom} is a constant: data that gets no gradient")
            return "\n".join(lines)
        if self.path_count == 0:
            lines.append(f"  {top} does not depend on {bottom}, so d{top}/d{bottom} = 0")
            return "\n".join(lines)
        if self.path_count == self.zero_path_count:
            which = (
                "the only path" if self.path_count == 1
                else f"every one of the {format_count(self.path_count)} paths"
            )
            lines[0] = f"d{top}/d{bottom}: {which} from {bottom} to {top} crosses a local derivative of 0"
            lines.append(f"  d{top}/d{bottom} = {format_number(self.total, self.digits)}")
            return "\n".join(lines)
        if self.node is self.root:
            lines.append(f"  the empty path: d{top}/d{top} = 1")
            return "\n".join(lines)
        if self.ranked:
            lines.append(f"  the {len(self.paths)} largest, biggest first:")
        for number, path in enumerate(self.paths, start=1):
            tag = f"  path {number}: "
            indent = " " * (len(tag) - 2)
            lines.extend(_wrapped(tag, self._symbols(path), " · ", indent + "  "))
            for numbers in (False, True):
                lines.extend(_wrapped(indent + "= ", self._formulas(path, TEXT, numbers), " · ",
                                      indent + "  "))
            lines.extend(_wrapped(indent + "= ", self._numbers(path), "", indent + "  "))
            lines.append(f"{indent}= {format_number(path.product, self.digits)}")
        if self.omitted_count:
            noun = "path" if self.omitted_count == 1 else "paths"
            lines.append(
                f"  ... and {format_count(self.omitted_count)} more {noun}, together "
                f"{format_number(self.omitted_total, self.digits)}"
            )
        if self.zero_path_count:
            lines.append(f"  ({self._zero_note()})")
        sum_of = "the one path" if self.path_count == 1 else "sum over all paths"
        lines.append(
            f"  d{top}/d{bottom} = {format_number(self.total, self.digits)}   "
            f"({sum_of}; equals {bottom}.grad after {top}.backward())"
        )
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))

    def __repr__(self):
        return (
            f"<Explanation d{self.name(self.root)}/d{self.name(self.node)} = "
            f"{self.total!r} over {format_count(self.path_count)} path(s); print() it>"
        )

    # ----- the slides' notation: text, LaTeX, MathML -----------------------------------

    def derivation_rows(self, style=TEXT):
        """The chain rule as the slides write it: ``(left side, right side)`` rows in ``style``.

        For one path: the ∂-factors, their formulas in the nodes' names, the same
        with the numbers put in, the value. For several: their sum, then each path
        so, then the sum of the paths' values. ``style`` is one of
        ``visualize.derivation.STYLES`` (Unicode text, LaTeX, MathML).
        """
        whole = derivation.derivative_symbol(self.name(self.root), self.name(self.node), style)
        total = derivation.number(self.total, style, self.digits)
        if not self.paths or self.node is self.root:
            return [(whole, total)]
        chains = [self._chain(path, style) for path in self.paths]
        if not more_than_one(self):
            return [(whole, chains[0]), *self._path_rows(self.paths[0], "", style)]
        # Several paths: their sum, one chain a line, then each path by its number.
        rows = [(whole, chains[0])]
        rows += [(None, style.plus.strip() + " " + chain) for chain in chains[1:]]
        if self.omitted_count:
            rows.append((None, style.plus.strip() + " " + style.ellipsis))
        for number, path in enumerate(self.paths, start=1):
            rows.extend(self._path_rows(path, derivation.words(f"path {number}", style), style))
        values = [path.product for path in self.paths]
        values += [self.omitted_total] if self.omitted_count else []
        rows.append((whole, derivation.signed_sum(values, style, self.digits)))
        rows.append(("", total))
        return rows

    def _path_rows(self, path, left, style):
        """One path: its formulas (left of them ``left``), with numbers put in, its value."""
        return [
            (left, self._joined(self._formulas(path, style, False), style)),
            ("", self._joined(self._formulas(path, style, True), style)),
            ("", derivation.number(path.product, style, self.digits)),
        ]

    def _chain(self, path, style):
        symbols = [
            derivation.derivative_symbol(self.name(f.numerator), self.name(f.denominator), style)
            for f in _ends(path.factors)
        ]
        return self._joined(_capped(symbols, len(path.factors), style), style)

    @staticmethod
    def _joined(pieces, style):
        return style.times.join(pieces)

    def derivation(self):
        """The chain rule as the slides write it, as Unicode text (``derivation_rows``)."""
        return derivation.text_block(self.derivation_rows(TEXT))

    def to_latex(self):
        """The chain rule as the slides write it, a LaTeX ``align*`` block (needs amsmath)."""
        return derivation.latex_block(self.derivation_rows(LATEX))

    def _repr_latex_(self):
        return "$$" + derivation.latex_block(self.derivation_rows(LATEX), "aligned") + "$$"

    def to_mathml(self):
        """The chain rule as the slides write it, one MathML ``<math>`` element (browsers show it)."""
        return derivation.mathml_block(self.derivation_rows(MATHML))

    # ----- HTML for Jupyter -----------------------------------------------------------

    def _repr_html_(self):
        def escaped(text):
            return html.escape(text, quote=True)

        top = escaped(grouped(self.name(self.root)))
        bottom = escaped(grouped(self.name(self.node)))
        parts = ['<div class="tracegrad-explain">', f"<p><b>{escaped(self._title())}</b></p>"]
        if self.paths and self.node is not self.root:
            parts.append(
                '<table><thead><tr><th>path</th><th>chain</th><th>local derivatives</th>'
                "<th>product</th></tr></thead><tbody>"
            )
            for number, path in enumerate(self.paths, start=1):
                chain = " · ".join(escaped(symbol) for symbol in self._symbols(path))
                numbers = escaped("".join(self._numbers(path)))
                product = escaped(format_number(path.product, self.digits))
                parts.append(
                    f"<tr><td>{number}</td><td>{chain}</td><td>{numbers}</td>"
                    f'<td style="text-align:right">{product}</td></tr>'
                )
            if self.omitted_count:
                parts.append(
                    f"<tr><td>…</td><td colspan=2>{escaped(format_count(self.omitted_count))} "
                    "more paths, not listed</td><td style=\"text-align:right\">"
                    f"{escaped(format_number(self.omitted_total, self.digits))}</td></tr>"
                )
            parts.append("</tbody></table>")
        if self.zero_path_count:
            parts.append(f"<p>({escaped(self._zero_note())})</p>")
        total = escaped(format_number(self.total, self.digits))
        parts.append(f"<p>∂{top}/∂{bottom} = <b>{total}</b></p></div>")
        return "".join(parts)


def _ends(factors):
    """The factors a path shows: all, or ``FACTORS_SHOWN`` taken from both ends."""
    if len(factors) <= FACTORS_SHOWN:
        return factors
    half = FACTORS_SHOWN // 2
    return factors[:half] + factors[-half:]


def more_than_one(explanation):
    """Whether the gradient is a sum of several paths (some perhaps not listed)."""
    return len(explanation.paths) > 1 or explanation.omitted_count > 0


def _capped(pieces, count, style=TEXT):
    """``pieces`` of ``_ends`` with a note of how many factors were left out between the ends."""
    if count <= FACTORS_SHOWN:
        return pieces
    half = FACTORS_SHOWN // 2
    note = derivation.words(f"… {format_count(count - FACTORS_SHOWN)} factors elided …", style)
    return [*pieces[:half], note, *pieces[half:]]


def _wrapped(first_prefix, pieces, joiner, next_prefix):
    lines, current = [], first_prefix
    for index, piece in enumerate(pieces):
        addition = piece if index == 0 else joiner + piece
        if index > 0 and len(current) + len(addition) > LINE_WIDTH:
            lines.append(current.rstrip() + (joiner.strip() and " " + joiner.strip()))
            current = next_prefix + piece
        else:
            current += addition
    lines.append(current)
    return lines


def _influencers(order, node):
    """The nodes of ``order`` (root first) that lie on some path down to ``node``."""
    on_path = {node}
    for candidate in reversed(order):
        if candidate is not node and any(source in on_path for source in candidate.inputs):
            on_path.add(candidate)
    return on_path


def explain(root, node, max_paths=10, digits=4, *, keep=None, fold=True, skip_zero=True):
    """d root / d node as the sum over paths of products of local derivatives.

    Lists every path when there are at most ``max_paths`` (in graph order), else
    the ``max_paths`` largest by size and a summary of the rest. ``node.grad`` is
    not read or changed; the total is computed from the edges.

    ``skip_zero``: paths crossing a local derivative of exactly 0 (the ln p2 term
    of a one-hot cross-entropy, a switched-off ReLU) add nothing; they are
    counted, not listed. ``fold``: a kept node reaches through helper nodes
    that have one input on the path in a single factor (see ``ChainPath``);
    ``keep`` says which nodes are kept: by default every labelled node, or pass
    the quantities of a lecture (``example.nodes().values()``) to fold helpers
    labelled for pictures too. ``fold=False``, ``skip_zero=False``: every edge
    and every path.
    """
    require_value(root, "explain")
    require_value(node, "explain", "node")
    if isinstance(max_paths, bool) or not isinstance(max_paths, int) or max_paths < 0:
        raise ValueError(f"explain: max_paths must be a whole number >= 0, got {max_paths!r}")
    order = consumers_first(root)
    names = node_names(root, order[::-1])
    if node not in names or node.is_constant:
        # Not in the graph, or a constant (data with no gradient): no path to list.
        names.setdefault(node, node.label if node.label is not None else "the node")
        return Explanation(root, node, (), PathCounts(0, 0), 0.0, names, digits, ranked=False)
    on_path = _influencers(order, node)
    counts = {root: 1}  # every path root -> v
    live_counts = {root: 1}  # those that cross no zero local derivative (if skip_zero)
    totals = {root: 1.0}
    # best[v]: up to max_paths partial paths root -> v as (-|product|, tie, product, back-link)
    best = {root: [(-1.0, 0, 1.0, None)]}
    tie = 0
    for consumer in order:
        if consumer not in on_path:
            continue
        count, live, upstream = counts[consumer], live_counts.get(consumer, 0), totals[consumer]
        partials = heapq.nsmallest(max_paths, best.pop(consumer, ()))
        if consumer is node:
            best[node] = partials
            break
        for position, (source, local) in enumerate(consumer.edges):
            if source not in on_path:
                continue
            counts[source] = counts.get(source, 0) + count
            totals[source] = totals.get(source, 0.0) + local * upstream
            if skip_zero and local == 0.0:
                continue
            live_counts[source] = live_counts.get(source, 0) + live
            extended = best.setdefault(source, [])
            for _, _, product, link in partials:
                tie += 1
                value = product * local
                extended.append((-abs(value), tie, value, (consumer, position, link)))
    paths = [_unwind(entry, node) for entry in best.get(node, ())]
    listable = live_counts.get(node, 0)
    ranked = listable > max_paths
    if not ranked:
        paths.sort(key=lambda pair: pair[0])
    if keep is None:
        kept = {candidate for candidate in on_path if candidate.label is not None}
    else:
        kept = set(keep)
    foldable = _foldable(on_path, kept | {node}, skip_zero) if fold else set()
    chain_paths = []
    for positions, edges, product in paths:
        factors, steps = _folded(edges, positions, foldable, kept)
        chain_paths.append(ChainPath(factors, product, edges, steps))
    chain_paths = tuple(chain_paths)
    path_counts = PathCounts(counts[node], listable)
    return Explanation(root, node, chain_paths, path_counts, totals[node], names, digits, ranked)


def _foldable(on_path, kept, skip_zero):
    """Helper nodes (not kept) with one (non-zero) edge on the path: folding them loses nothing."""

    def edges_on_path(candidate):
        return sum(
            source in on_path and not (skip_zero and local == 0.0)
            for source, local in candidate.edges
        )

    return {
        candidate
        for candidate in on_path
        if candidate not in kept and edges_on_path(candidate) == 1
    }


def _folded(edges, positions, foldable, kept):
    """Merge each kept node's factor with the helper nodes right below it: (factors, steps)."""
    folded, steps = [], []
    for factor, position in zip(edges, positions):
        step = ((factor.numerator, position),)
        if folded and folded[-1].denominator in foldable and folded[-1].numerator in kept:
            above = folded.pop()
            factor = Factor(above.numerator, factor.denominator,
                            above.local_derivative * factor.local_derivative)
            step = steps.pop() + step
        folded.append(factor)
        steps.append(step)
    return tuple(folded), tuple(steps)


def _unwind(entry, node):
    """Rebuild one path from its back-links: (edge positions root first, factors, product)."""
    _, _, product, link = entry
    positions, factors = [], []
    below = node
    while link is not None:
        consumer, position, link = link
        positions.append(position)
        factors.append(Factor(consumer, below, consumer.edges[position][1]))
        below = consumer
    positions.reverse()
    factors.reverse()
    return tuple(positions), tuple(factors), product
