"""What ``worked-example`` and ``calc-graph`` share: their options and the pictures ``--out`` writes."""

import pathlib
import sys

import autograd
from visualize.cli.arguments import CommandError, positive_number, whole_number

SLIDES_LEARNING_RATE = 0.5


def add_example_options(command):
    command.add_argument("--json", action="store_true",
                         help="print the numbers as JSON instead of tables")
    command.add_argument("--out", metavar="DIR",
                         help="also write pictures into DIR: forward and backward graphs (SVG, PNG, DOT), "
                              "one frame per backward step, and an interactive HTML page")
    command.add_argument("--learning-rate", "--eta", dest="learning_rate", type=positive_number,
                         default=SLIDES_LEARNING_RATE, metavar="η",
                         help="step size of the gradient-descent step (default: the slides' 0.5)")
    command.add_argument("--digits", type=whole_number(1, 12), default=4,
                         help="decimals shown (default 4, as on the slides)")


def write_pictures(root, folder, groups, name):
    """Forward and backward pictures, one frame per backward step, and the HTML page."""
    from visualize.draw import draw
    from visualize.frames import frames
    from visualize.html import export_html
    from visualize.render import render

    folder = pathlib.Path(folder)
    written = []
    autograd.zero_grad(root)
    root.backward()
    for mode in ("forward", "backward"):
        graph = draw(root, mode=mode, groups=groups)
        written.append(render(graph, folder / f"{name}_{mode}.dot", format="dot"))
        for picture_format in ("svg", "png"):
            path = folder / f"{name}_{mode}.{picture_format}"
            written.append(render(graph, path, format=picture_format))
    step_pictures = frames(root, folder / f"{name}_steps", groups=groups)
    page = export_html(root, folder / f"{name}.html", groups=groups)
    return written, step_pictures, page


def report_pictures(root, args, groups, name):
    if args.out is None:
        return
    try:
        written, step_pictures, page = write_pictures(root, args.out, groups, name)
    except CommandError:
        raise
    except OSError as error:
        raise CommandError(f"--out: could not write into {args.out!r}: {error}") from None
    except Exception as error:  # noqa: BLE001 - a renderer failure must still end in one clear line
        raise CommandError(f"--out: {type(error).__name__}: {error}") from None
    stream = sys.stderr if args.json else sys.stdout
    print(f"\nWrote into {args.out}:", file=stream)
    for path in written:
        print(f"  {path}", file=stream)
    if step_pictures:
        print(f"  {len(step_pictures)} backward-step frames in {step_pictures[0].parent}/", file=stream)
    print(f"  the interactive page: {page}  (open it in a browser)", file=stream)

