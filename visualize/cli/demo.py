"""``tracegrad demo``: a short REPL-style session, the README's first command."""

import autograd
from autograd import Value
from visualize.cli.arguments import SUCCESS
from visualize.explain import explain
from visualize.tape import tape


def run(args):
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
    print(">>> c.label = 'c'                   # name the output, so the tables below say c")
    c.label = "c"
    print(">>> import visualize")
    print(">>> print(visualize.tape(c))      # the graph in forward order; t<row> names unlabelled nodes")
    print(tape(c))
    print(">>> print(visualize.explain(c, a))  # dc/da as the chain rule: every path, its product, the sum")
    print(explain(c, a))
    print()
    print("Next: `tracegrad worked-example` walks the slides' network number by number.")
    return SUCCESS


def add_command(commands):
    command = commands.add_parser(
        "demo",
        help="a short REPL-style session printing values, gradients and one explanation",
        description="A short REPL-style session printing values, gradients and one explanation.",
        epilog="example: tracegrad demo",
    )
    command.set_defaults(run=run)
