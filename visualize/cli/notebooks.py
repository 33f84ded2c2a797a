"""``tracegrad notebooks``: copy the lecture notebooks into a folder, to open in Jupyter."""

import sys

from visualize.cli.arguments import CannotWrite, InvalidValue, SUCCESS, prepare_folder, say, shown
from visualize.lectures import NotebookExists, copy_lecture_notebooks


def run(args):
    folder = prepare_folder("DIR", args.folder)
    try:
        written = copy_lecture_notebooks(folder, overwrite=args.force)
    except NotebookExists as error:
        raise InvalidValue(
            f"DIR: {shown(str(error.present[0]))} is already there ({len(error.present)} of the "
            f"{error.total} notebooks are); nothing was written: --force replaces them"
        ) from None
    except OSError as error:
        raise CannotWrite(f"DIR: could not write the notebooks into {shown(args.folder)}: "
                          f"{error.strerror or error}") from None
    say(f"Wrote {len(written)} lecture notebooks into {args.folder}:",
        *(f"  {path.name}" for path in written),
        f"Open them with: jupyter lab {args.folder}   (or VS Code, or upload them to Colab)")
    return SUCCESS


def add_command(commands):
    command = commands.add_parser(
        "notebooks",
        help="copy the lecture notebooks (worked example, calc graph, activations, costs, "
             "descent modes, hyper-parameters) into a folder",
        description="Copy tracegrad's lecture notebooks into DIR: the slides' worked example, "
                    "the calculation graph, the activation functions, the cost functions, "
                    "stochastic vs batch vs mini-batch descent, and the hyper-parameters. "
                    "Notebooks already in DIR are left alone unless --force is given.",
        epilog="example: tracegrad notebooks lectures/",
    )
    command.add_argument("folder", metavar="DIR", help="the folder to write them into (made if missing)")
    command.add_argument("--force", action="store_true",
                         help="replace notebooks of the same names already in DIR")
    command.set_defaults(run=run)
