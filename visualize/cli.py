"""The ``tracegrad`` command."""

import argparse
import sys

import autograd


def _demo(args):
    from autograd import Value

    print(">>> from autograd import Value")
    print(">>> a = Value(2.0, label='a'); b = Value(-3.0, label='b')")
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    print(">>> c = (a * b + a ** 2).tanh()")
    c = (a * b + a**2).tanh()
    print(">>> c")
    print(c)
    print(">>> c.backward()")
    c.backward()
    print(">>> a.grad, b.grad")
    print((a.grad, b.grad))
    print(">>> autograd.gradcheck(lambda a, b: (a * b + a ** 2).tanh(), [a, b])")
    print(autograd.gradcheck(lambda a, b: (a * b + a**2).tanh(), [a, b]))
    return 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="tracegrad",
        description="Compute, trace, explain and draw backpropagation.",
        epilog="example: tracegrad demo",
    )
    parser.add_argument(
        "--version", action="version", version=f"tracegrad {autograd.__version__}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="a short REPL-style session printing values and gradients",
        description="A short REPL-style session printing values and gradients.",
        epilog="example: tracegrad demo",
    )
    demo.set_defaults(run=_demo)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
