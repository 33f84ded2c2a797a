"""``tracegrad demo``: a short REPL-style session, the README's first command."""

import autograd
from autograd import Value
from visualize.cli.arguments import SUCCESS, say
from visualize.explain import explain
from visualize.tape import tape


def run(args):
    say(">>> from autograd import Value")
    say(">>> a = Value(2.0, label='a'); b = Value(-3.0, label='b')")
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    say(">>> c = (a * b + a ** 2).tanh()")
    c = (a * b + a**2).tanh()
    say(">>> c")
    say(c)
    say(">>> c.backward()")
    c.backward()
    say(">>> a.grad, b.grad")
    say((a.grad, b.grad))
    say(">>> autograd.gradcheck(lambda a, b: (a * b + a ** 2).tanh(), [a, b])")
    say(autograd.gradcheck(lambda a, b: (a * b + a**2).tanh(), [a, b]))
    say(">>> c.label = 'c'                   # name the output, so the tables below say c")
    c.label = "c"
    say(">>> import visualize")
    say(">>> print(visualize.tape(c))      # the graph in forward order; t<row> names unlabelled nodes")
    say(tape(c))
    say(">>> print(visualize.explain(c, a))  # dc/da as the chain rule: every path, its product, the sum")
    say(explain(c, a))
    say()
    say("Next: `tracegrad worked-example` walks the slides' network number by number.")
    return SUCCESS


def add_command(commands):
    command = commands.add_parser(
        "demo",
        help="a short REPL-style session printing values, gradients and one explanation",
        description="A short REPL-style session printing values, gradients and one explanation.",
        epilog="example: tracegrad demo",
    )
    command.set_defaults(run=run)
