"""What ``worked-example`` and ``calc-graph`` share: their options, the checks of one
gradient-descent step, and how the report and the pictures of ``--out`` come out."""

import argparse
import json
import math
import pathlib
import sys
import warnings

from visualize.cli.arguments import (
    CannotWrite, NumericFailure, check_number, number, prepare_folder, say, shown, whole_number,
)
from visualize.theme import PROJECTOR_SIZES

SLIDES_LEARNING_RATE = 0.5
MAX_DIGITS = 12  # a float has about 16 significant digits; more decimals would print noise


def add_example_command(commands, name, *, summary, description, examples):
    """The sub-parser of one slide example, with the options both examples take."""
    command = commands.add_parser(
        name, help=summary, description=description,
        epilog="examples:\n" + "\n".join(f"  tracegrad {name} {example}".rstrip() for example in examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("--json", action="store_true",
                         help="print the numbers as JSON instead of tables")
    command.add_argument("--out", metavar="DIR",
                         help="also write pictures into DIR: forward and backward graphs (SVG, PNG, DOT), "
                              "one frame per backward step, and an interactive HTML page")
    command.add_argument("--size", choices=PROJECTOR_SIZES, metavar="WxH",
                         help="make the pictures of --out fill a projector: "
                              f"{' or '.join(PROJECTOR_SIZES)} (default: as large as the graph needs)")
    command.add_argument("--learning-rate", "--eta", dest="learning_rate", type=number,
                         default=SLIDES_LEARNING_RATE, metavar="η",
                         help="step size of the gradient-descent step, > 0 (default: the slides' 0.5)")
    command.add_argument("--digits", type=whole_number, default=4,
                         help=f"decimals shown, 1 to {MAX_DIGITS} (default 4, as on the slides)")
    return command


def check_example_options(args):
    """Refuse the shared options' values before any work; create the ``--out`` folder."""
    check_number("--learning-rate", args.learning_rate, above=0)
    check_number("--digits", args.digits, minimum=1, maximum=MAX_DIGITS)
    if args.out is not None:
        prepare_folder("--out", args.out)


def check_step(weights, learning_rate):
    """Refuse a step w − η·dL/dw that leaves a float, for (label, before, gradient, after) rows."""
    for label, before, gradient, after in weights:
        if not math.isfinite(after):
            raise NumericFailure(
                f"--learning-rate {shown(learning_rate)} takes {label} beyond a 64-bit float in one step "
                f"({shown(before)} − {shown(learning_rate)}·{shown(gradient)}); choose a smaller one"
            )


def show_report(args, data, lines):
    """The report as JSON (never a non-standard NaN or Infinity) or as tables."""
    say(json.dumps(data, indent=2, allow_nan=False) if args.json else "\n".join(lines))


def write_pictures(root, folder, groups, name, size=None, model=None, learning_rate=None):
    """Forward and backward pictures, one frame per backward step, and the HTML page.

    They share one view of the graph: one layout, one backward pass. The page ends
    with the update θ ← θ − η·∂L/∂θ at ``learning_rate`` (of ``model`` 's parameters,
    else of every leaf).
    """
    from visualize.draw import draw
    from visualize.frames import frames
    from visualize.html import export_html
    from visualize.render import render
    from visualize.view import view

    folder = pathlib.Path(folder)
    shown = view(root, groups=groups, model=model, size=size)
    shown.run_backward()  # before any picture, so every box is sized for its final numbers
    written = []
    for mode in ("forward", "backward"):
        graph = draw(shown, mode=mode)
        written.append(render(graph, folder / f"{name}_{mode}.dot", format="dot"))
        for picture_format in ("svg", "png"):
            path = folder / f"{name}_{mode}.{picture_format}"
            written.append(render(graph, path, format=picture_format))
    step_pictures = frames(shown, folder / f"{name}_steps")
    page = export_html(shown, folder / f"{name}.html", learning_rate=learning_rate)
    return written, step_pictures, page


def report_pictures(root, args, groups, name, model=None):
    """Write the pictures of ``--out``, if asked, and list them (on stderr under --json)."""
    if args.out is None:
        return
    try:
        # The page's update step needs the model to know which leaves are parameters.
        rate = args.learning_rate if model is not None else None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            written, step_pictures, page = write_pictures(root, args.out, groups, name, args.size,
                                                          model, rate)
    except (OSError, RuntimeError) as error:  # RuntimeError: the renderer is missing or failed
        raise CannotWrite(f"--out: could not write the pictures into {shown(args.out)}: "
                          f"{getattr(error, 'strerror', None) or error}") from None
    listing = [f"\nWrote into {args.out}:", *(f"  {path}" for path in written)]
    if step_pictures:
        listing.append(f"  {len(step_pictures)} backward-step frames in {step_pictures[0].parent}/")
    listing.append(f"  the interactive page: {page}  (open it in a browser)")
    say(*listing, stream=sys.stderr if args.json else None)
    for note in _projector_notes(caught, args):
        say(note, stream=sys.stderr)


def _projector_notes(caught, args):
    """The pictures' too-small-for-a-projector warnings as one note of the command.

    The Python advice after ';' (draw(..., collapse=True)) means nothing on a command line.
    """
    texts = []
    for warning in caught:
        text = str(warning.message).removeprefix("draw: ").split(";")[0]
        if text not in texts:
            texts.append(text)
    if not texts:
        return []
    others = " (the other pictures are alike)" if len(texts) > 1 else ""
    return [f"tracegrad {args.command}: note: --size {args.size}: {texts[0]}{others}; "
            "written anyway"]
