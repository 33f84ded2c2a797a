"""``frames``: one picture per backward step, for slides and animations.

Frame k shows the graph right after backward step k of
``autograd.backward_steps``: the node whose gradient just became final is
outlined in orange, the edges it passes its gradient along are thick orange,
the inputs receiving a share are outlined in blue, and every node whose
gradient is final is drawn in black. Nodes still waiting are grey: the number
they show is the running total they hold so far, not yet their gradient.

The graph is laid out once (its ``GraphView``) and each frame only restyles it
by the view's ids, so nothing moves between frames and every frame has the
same size. The backward pass runs once; frames are rendered side by side on
the machine's processors and written in step order.
"""

import os
import pathlib
from concurrent.futures import ThreadPoolExecutor

from visualize.draw import Picture, view_for
from visualize.escape import html_text
from visualize.render import render
from visualize.saving import save_file
from visualize.theme import text_width
from visualize.view import GraphView

CURRENT = "#d94800"
RECEIVING = "#1c5fb8"
WAITING = "#9ca3af"
WAITING_STYLE = {"color": WAITING, "fontcolor": WAITING}
RECEIVING_STYLE = {"color": RECEIVING, "fontcolor": WAITING, "penwidth": "4"}
CURRENT_STYLE = {"color": CURRENT, "penwidth": "5"}
CURRENT_EDGE_STYLE = {"color": CURRENT, "fontcolor": CURRENT, "penwidth": "4"}
FORMATS = ("png", "svg")
LEGEND = "orange: this step   blue: receives a share   grey: gradient not final yet"

# A prefix names files inside ``folder``; any of these could lead out of it.
FOLDER_CHARACTERS = ("/", "\\", ":", "\0")


def _check_prefix(prefix):
    if (not isinstance(prefix, str) or not prefix.strip(".")
            or any(character in prefix for character in FOLDER_CHARACTERS)):
        raise ValueError(
            "frames: prefix must be the start of a file name inside folder (no '/', '\\', "
            f"':' and not only dots), got {prefix!r}"
        )


def _frame_styles(view: GraphView, step, final) -> tuple[dict, dict]:
    """(styles by id, grad-line colours by node) for the frame right after ``step``."""
    styles, colours = {}, {}
    for node in view.order:
        if node not in final and view.has_gradient(node):
            styles[view.node_id(node)] = WAITING_STYLE
            if not node.is_leaf:
                styles[view.operation_id(node)] = WAITING_STYLE
            colours[node] = WAITING  # only colours change, never text: nothing moves
    for item in step.contributions:
        styles[view.node_id(item.input)] = RECEIVING_STYLE
    styles[view.node_id(step.node)] = CURRENT_STYLE
    if not step.node.is_leaf:
        styles[view.operation_id(step.node)] = CURRENT_STYLE
        for position, (_, local) in enumerate(step.node.edges):
            if local is not None:
                styles[view.edge_id(step.node, position)] = CURRENT_EDGE_STYLE
        styles[view.output_edge_id(step.node)] = CURRENT_EDGE_STYLE
    return styles, colours


def _caption(step, view: GraphView, count: int) -> str:
    """One line saying which gradient this frame finalised and where it went."""
    names = view.names
    name = names[step.node]
    gradient = view.number(step.gradient)
    passed = ", ".join(dict.fromkeys(names[item.input] for item in step.contributions))
    after = f"; passed back to {passed}" if passed else " (a leaf)"
    return (
        f"Backward step {step.index + 1} of {count}: "
        f"∂{names[view.root]}/∂{name} = {gradient} is final{after}"
    )


def frames(
    root,
    folder,
    *,
    format="png",
    digits=4,
    rankdir="LR",
    groups=None,
    model=None,
    prefix="step",
    max_frames=200,
    size=None,
):
    """Write one picture per backward step into ``folder``; return their paths in order.

    ``root`` may be a ``visualize.view(...)``, shared with other pictures. Files
    are named ``{prefix}_001.png``, ``{prefix}_002.png``, ... (the step numbers of
    ``steps()`` and the page, counted from 1) so they sort in step order (an animation tool can take ``step_*.png``); ``prefix`` cannot
    name another folder. Each file is written whole or not at all. Runs the
    view's backward pass (once): afterwards every ``.grad`` holds d root / d node.

    There is one frame per node that gets a gradient (constants get none);
    past ``max_frames`` frames (``None``: no limit) this stops before any work.
    ``groups``, ``model``, ``rankdir``, ``digits`` and ``size`` (a projector
    target such as ``"1280x720"``) are those of ``visualize.draw``.
    """
    if format not in FORMATS:
        raise ValueError(f"frames: format must be one of {', '.join(FORMATS)}, got {format!r}")
    _check_prefix(prefix)
    shown = view_for(root, "frames", groups, model, rankdir, digits, size)
    count = sum(1 for node in shown.order if shown.has_gradient(node))
    if max_frames is not None and count > max_frames:
        raise ValueError(
            f"frames: the graph of {shown.root.label or 'this node'!r} has {count} nodes with a "
            f"gradient, so {count} frames, more than max_frames={max_frames}; pass a larger "
            "max_frames (or None), or use visualize.steps(root) for a text view"
        )
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    steps = shown.run_backward()
    captions = [_caption(step, shown, len(steps)) for step in steps]
    font = shown.theme.caption_font
    # Every frame's caption gets the room of the longest: the frames keep one size.
    width = max(text_width(text, font) for text in captions + [LEGEND]) + 12
    sources = []
    final, gradients = set(), {node: 0.0 for node in shown.order}
    for step, caption in zip(steps, captions):
        final.add(step.node)
        gradients[step.node] = step.gradient
        for item in step.contributions:
            gradients[item.input] = item.running_total
        styles, colours = _frame_styles(shown, step, final)
        picture = Picture(shown, "backward", styles=styles, gradient_colours=colours,
                          gradients=dict(gradients))
        left = '<BR ALIGN="LEFT"/>'
        picture.add_note("caption", f"<{html_text(caption)}{left}{html_text(LEGEND)}{left}>",
                         width, 2, "above", font)
        sources.append(picture.full().source)
    digits_in_name = max(3, len(str(len(steps))))
    paths = [folder / f"{prefix}_{number:0{digits_in_name}d}.{format}"
             for number in range(1, len(steps) + 1)]
    _render_all(sources, paths, format)
    return paths


def _render_all(sources, paths, format):
    """Render every frame, several at once, and write them in order (each whole or not at all)."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        pictures = [pool.submit(render, source, None, format) for source in sources]
        try:
            for path, picture in zip(paths, pictures):
                save_file(path, picture.result(), "frames")
        except BaseException:
            for picture in pictures:
                picture.cancel()
            raise
