"""Speed and memory of tracegrad's engine, side by side with micrograd 0.1.0.

Run it from anywhere (any Python >= 3.10):

    python tests/benchmarks/bench_engine.py            # full run, a few minutes
    python tests/benchmarks/bench_engine.py --quick    # smaller sizes, one repeat: a smoke run

The script makes (or reuses) a virtual environment of its own, ``.venv-bench/`` at the
repository root, installs ``micrograd==0.1.0`` there from PyPI, and then runs every
measurement in a fresh worker process of that environment's interpreter: the same
interpreter for both libraries, tracegrad imported from this checkout, micrograd from its
install. Python's garbage collector stays on, as users run it. It prints a markdown table
(for the README) and a few lines of detail.

What is measured (wall clock, ``time.perf_counter``, and CPU time, ``time.process_time``;
the table gives medians of the repeats):

* one training step: forward over 100 two-moons points, zero grads, backward, SGD update,
  for an MLP 2-16-16-1 with ReLU hidden layers and the max-margin hinge loss
  mean(relu(1 - y * score)). Both MLPs start from the same weights, so their losses agree;
  tracegrad's neurons are ``autograd.dot(weights, inputs, bias)`` + ``relu``, micrograd's
  are its own ``micrograd.nn.MLP``. The heap is collected before each timed step.
* a 20-step epoch: 20 such steps back to back, garbage piling up as it does for users.
* a 100,000-wide sum: ``autograd.sum_values`` against Python's ``sum``, forward + backward.
* deep chains: ``y = y * 0.999999`` repeated N times from a leaf ``x`` (each link is one
  multiplication node plus the constant's leaf, in both libraries), forward + backward;
  micrograd 0.1.0 has no ``tanh``, so the chain uses an operation both libraries have.
* bytes per graph node for a graph of 1,000,000 nodes (the same chain, 500,000 links),
  measured two ways in separate processes: ``tracemalloc`` (bytes Python allocated and
  still holds) and the growth of the resident set size (RSS, from /proc; Linux only).
  Once for the graph alone, once more after backward (graph + gradients).

* one elementary operation, against the yardstick written below (``Scalar``, ~40 lines of
  pure Python: + * ** exp log tanh, an iterative topological backward, no checks): the
  slides' worked example built from those operations alone and backpropagated 10,000 times,
  a 100,000-wide ``sum()`` (a chain of +), chains x → tanh(x·1.0001 + 0.1) of 10³, 10⁴, 10⁵
  links, and backward alone on such chains built before the clock starts, all in µs per
  graph node; and the bytes per node of a 10⁵-link tanh chain
  (tracemalloc, and the peak RSS of build + backward). ``--before CHECKOUT`` adds tracegrad
  from another checkout to the same run; ``--engine-only`` runs just these rows.

micrograd's backward sorts the graph recursively, so a graph deeper than Python's
recursion limit (1,000 frames by default) raises ``RecursionError``: that is reported as a
result. To still get a ratio, the deep measurements are repeated for micrograd with the
recursion limit raised to 10,000,000 and marked as such.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
BENCH_VENV = REPOSITORY / ".venv-bench"
MICROGRAD_REQUIREMENT = "micrograd==0.1.0"
MICROGRAD_VERSION = "0.1.0"

SEED = 1337
LAYER_SIZES = (2, 16, 16, 1)
LEARNING_RATE = 0.1
CHAIN_FACTOR = 0.999999
RAISED_RECURSION_LIMIT = 10_000_000
# micrograd under tracemalloc with a million-deep recursion can take very long: bound it.
CHILD_TIMEOUT = 600

TARGET_STEP_SPEEDUP = 8.0
TARGET_EPOCH_SPEEDUP = 15.0
# Issue 14: the compiled program's epoch against micrograd's and against tracegrad's graph epoch.
TARGET_COMPILED_EPOCH_SPEEDUP = 60.0
TARGET_COMPILED_OVER_GRAPH = 3.0
TARGET_BYTES_PER_NODE = 200.0


# ----- the two libraries behind one small interface -----------------------------------------


class TracegradModel:
    """MLP built from ``Value``s: each neuron is one ``dot`` node, hidden ones then ``relu``."""

    def __init__(self, autograd, rng_weights):
        self.autograd = autograd
        self.layers = []
        for fan_in, fan_out in zip(LAYER_SIZES, LAYER_SIZES[1:]):
            weights = [[autograd.Value(w) for w in row] for row in rng_weights(fan_in, fan_out)]
            biases = [autograd.Value(0.0) for _ in range(fan_out)]
            self.layers.append((weights, biases))
        self.parameter_list = [
            parameter
            for weights, biases in self.layers
            for row, bias in zip(weights, biases)
            for parameter in (*row, bias)
        ]

    def __call__(self, inputs):
        dot = self.autograd.dot
        activations = inputs
        last = len(self.layers) - 1
        for index, (weights, biases) in enumerate(self.layers):
            outputs = [dot(row, activations, bias) for row, bias in zip(weights, biases)]
            activations = outputs if index == last else [out.relu() for out in outputs]
        return activations[0]

    def parameters(self):
        return self.parameter_list

    def zero_grad(self):
        for parameter in self.parameter_list:
            parameter.grad = 0.0


class MicrogradModel:
    """``micrograd.nn.MLP`` as shipped; parameters listed once, as for tracegrad."""

    def __init__(self, mlp):
        self.mlp = mlp
        self.parameter_list = mlp.parameters()

    def __call__(self, inputs):
        return self.mlp(inputs)

    def parameters(self):
        return self.parameter_list

    def zero_grad(self):
        self.mlp.zero_grad()


def layer_weights(fan_in, fan_out):
    """Uniform(-1, 1) weights drawn in micrograd's order, so both MLPs start identical."""
    return [[random.uniform(-1, 1) for _ in range(fan_in)] for _ in range(fan_out)]


class Tracegrad:
    name = "tracegrad"

    def __init__(self, checkout=REPOSITORY):
        sys.path.insert(0, str(checkout))
        import autograd

        self.autograd = autograd
        self.leaf = autograd.Value

    def model(self):
        random.seed(SEED)
        return TracegradModel(self.autograd, layer_weights)

    def total(self, values):
        return self.autograd.sum_values(values)

    def mean(self, values):
        return self.autograd.sum_values(values) / len(values)

    def sources(self, node):
        return node.inputs


class Micrograd:
    name = "micrograd"

    def __init__(self):
        from micrograd.engine import Value
        from micrograd.nn import MLP

        self.leaf = Value
        self.mlp_class = MLP

    def model(self):
        random.seed(SEED)
        return MicrogradModel(self.mlp_class(LAYER_SIZES[0], list(LAYER_SIZES[1:])))

    def total(self, values):
        return sum(values)

    def mean(self, values):
        # micrograd has no division of Values by numbers other than via ** -1; its demo scales.
        return sum(values) * (1.0 / len(values))

    def sources(self, node):
        return node._prev


# ----- the yardstick: the least a pure-Python scalar engine must do per node ---------------------


class Scalar:
    """A bare scalar node: its number, its gradient, its inputs and their local derivatives.

    No labels, no checks, no constants: what tracegrad's graph path is measured against.
    """

    __slots__ = ("data", "grad", "sources", "locals")

    def __init__(self, data, sources=(), locals=()):
        self.data = data
        self.grad = 0.0
        self.sources = sources
        self.locals = locals

    def __add__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(float(other))
        return Scalar(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(float(other))
        return Scalar(self.data * other.data, (self, other), (other.data, self.data))

    __radd__, __rmul__ = __add__, __mul__

    def __pow__(self, exponent):
        return Scalar(self.data**exponent, (self,), (exponent * self.data ** (exponent - 1),))

    def exp(self):
        out = math.exp(self.data)
        return Scalar(out, (self,), (out,))

    def log(self):
        return Scalar(math.log(self.data), (self,), (1.0 / self.data,))

    def tanh(self):
        out = math.tanh(self.data)
        return Scalar(out, (self,), (1.0 - out * out,))

    def backward(self):
        # Depth first with an explicit stack: a node is listed once all of its inputs are.
        order, seen, stack = [], {self}, [(self, iter(self.sources))]
        while stack:
            node, pending = stack[-1]
            for source in pending:
                if source not in seen:
                    seen.add(source)
                    stack.append((source, iter(source.sources)))
                    break
            else:
                order.append(stack.pop()[0])
        self.grad = 1.0
        for node in reversed(order):
            for source, local in zip(node.sources, node.locals):
                source.grad += local * node.grad


class Yardstick:
    name = "yardstick"
    leaf = Scalar

    def total(self, values):
        return sum(values)

    def sources(self, node):
        return node.sources


class TracegradBefore(Tracegrad):
    """tracegrad imported from another checkout (``--before DIR``), for before/after figures."""

    name = "tracegrad-before"

    def __init__(self, checkout):
        super().__init__(checkout)


LIBRARIES = {"tracegrad": Tracegrad, "micrograd": Micrograd, "yardstick": Yardstick,
             "tracegrad-before": TracegradBefore}


# ----- workloads ---------------------------------------------------------------------------------


def two_moons(count, noise=0.1, seed=SEED):
    """Two interleaved half circles with Gaussian noise; labels +1 (upper) and -1 (lower)."""
    rng = random.Random(seed)
    points, labels = [], []
    for index in range(count):
        angle = math.pi * rng.random()
        if index % 2 == 0:
            x, y, label = math.cos(angle), math.sin(angle), 1.0
        else:
            x, y, label = 1.0 - math.cos(angle), 0.5 - math.sin(angle), -1.0
        points.append((x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)))
        labels.append(label)
    return points, labels


def training_step(library, model, points, labels):
    """Forward, zero grads, backward, SGD update; returns the loss node."""
    leaf = library.leaf
    scores = [model([leaf(first), leaf(second)]) for first, second in points]
    losses = [(1 - label * score).relu() for label, score in zip(labels, scores)]
    loss = library.mean(losses)
    model.zero_grad()
    loss.backward()
    for parameter in model.parameters():
        parameter.data -= LEARNING_RATE * parameter.grad
    return loss


class Stopwatch:
    """Wall-clock and CPU seconds of each timed block; CPU time shrugs off a busy machine."""

    def __init__(self):
        self.times = []
        self.cpu_times = []

    def __enter__(self):
        self.wall_start = time.perf_counter()
        self.cpu_start = time.process_time()
        return self

    def __exit__(self, *exception):
        self.times.append(time.perf_counter() - self.wall_start)
        self.cpu_times.append(time.process_time() - self.cpu_start)

    def result(self, **extra):
        return {"times": self.times, "cpu_times": self.cpu_times, **extra}


def measure_step(library, args):
    points, labels = two_moons(args.points)
    model = library.model()
    stopwatch, losses = Stopwatch(), []
    for _ in range(args.repeats):
        gc.collect()
        with stopwatch:
            loss = training_step(library, model, points, labels)
        losses.append(loss.data)
        del loss
    return stopwatch.result(losses=losses)


def time_epochs(library, args, epoch):
    """Time ``epoch(model, points, labels)`` (returns the last loss as a number) on fresh models."""
    points, labels = two_moons(args.points)
    stopwatch, final_losses = Stopwatch(), []
    for _ in range(args.repeats):
        model = library.model()
        gc.collect()
        with stopwatch:
            loss = epoch(model, points, labels)
        final_losses.append(loss)
        parameters = [parameter.data for parameter in model.parameters()]
        del model
    return stopwatch.result(losses=final_losses, parameters=parameters)


def measure_epoch(library, args):
    def epoch(model, points, labels):
        for _ in range(args.steps):
            loss = training_step(library, model, points, labels)
        return loss.data

    return time_epochs(library, args, epoch)


def compiled_training_step(autograd, model, points, labels, programs):
    """The same step from compiled programs: one per label (the label is written into it),
    recorded from the first example that has it, then replayed for every example.

    The program's inputs are the weights and the example's two coordinates; its
    gradients are summed over the examples and averaged, as the mean loss does.
    Returns the loss as a number.
    """
    parameters = model.parameters()
    weights = [parameter.data for parameter in parameters]
    totals = [0.0] * len(weights)
    losses = []
    for point, label in zip(points, labels):
        program = programs.get(label)
        if program is None:
            coordinates = [autograd.Constant(number) for number in point]
            hinge = (1 - label * model(coordinates)).relu()
            program = autograd.compile_graph(hinge, inputs=[*parameters, *coordinates])
            programs[label] = program
        loss, gradients, _ = program.run(weights + list(point))
        totals = [total + gradient for total, gradient in zip(totals, gradients)]
        losses.append(loss)
    for parameter, total in zip(parameters, totals):
        parameter.data -= LEARNING_RATE * (total / len(points))
    return math.fsum(losses) / len(points)


def measure_epoch_compiled(library, args):
    """The epoch from compiled programs, compiling included (tracegrad only)."""
    def epoch(model, points, labels):
        programs = {}
        for _ in range(args.steps):
            loss = compiled_training_step(library.autograd, model, points, labels, programs)
        return loss

    return time_epochs(library, args, epoch)


def measure_wide_sum(library, args):
    leaves = [library.leaf(random.Random(index).random()) for index in range(args.size)]
    stopwatch = Stopwatch()
    for _ in range(args.repeats):
        for value in leaves:
            value.grad = 0.0
        gc.collect()
        with stopwatch:
            total = library.total(leaves)
            total.backward()
        if leaves[-1].grad != 1.0:
            raise AssertionError(f"wide sum: last leaf grad {leaves[-1].grad}, expected 1")
        del total
    return stopwatch.result()


def build_chain(library, links, kind="mul"):
    """``x`` and ``y``: ``links`` times ``y = y * CHAIN_FACTOR`` (or ``y = tanh(y)``) from ``x``."""
    x = library.leaf(1.0 if kind == "mul" else 0.5)
    y = x
    if kind == "mul":
        for _ in range(links):
            y = y * CHAIN_FACTOR
    else:
        for _ in range(links):
            y = y.tanh()
    return x, y


def chain_nodes(links, kind):
    # A multiplication by a number also makes a leaf for that number.
    return 2 * links + 1 if kind == "mul" else links + 1


def read_traced_bytes():
    return tracemalloc.get_traced_memory()[0]


def measure_chain(library, args):
    stopwatch = Stopwatch()
    for _ in range(args.repeats):
        gc.collect()
        with stopwatch:
            x, y = build_chain(library, args.size)
            y.backward()
        expected = CHAIN_FACTOR**args.size
        if not math.isclose(x.grad, expected, rel_tol=1e-6):
            raise AssertionError(f"chain: x.grad {x.grad}, expected {expected}")
        del x, y
    return stopwatch.result()


def resident_bytes():
    """Resident set size of this process, from /proc (None where there is no /proc)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def measure_memory(library, args):
    """Bytes per node of a chain graph with ``args.size`` nodes, then after backward."""
    links = (args.size - 1) // 2 if args.chain == "mul" else args.size - 1
    nodes = chain_nodes(links, args.chain)
    use_tracemalloc = args.tool == "tracemalloc"
    gc.collect()
    if use_tracemalloc:
        tracemalloc.start()
    read = read_traced_bytes if use_tracemalloc else resident_bytes
    before = read()
    x, y = build_chain(library, links, args.chain)
    gc.collect()
    graph_bytes = read() - before
    result = {"nodes": nodes, "graph_bytes": graph_bytes}
    if use_tracemalloc and library.name == "micrograd":
        # tracemalloc walks the whole call stack on every allocation, and micrograd's
        # backward recurses once per node: quadratic, hours at 1,000,000 nodes.
        result["after_backward"] = "not traced (recursive backward)"
        return result
    try:
        y.backward()
    except RecursionError:
        result["after_backward"] = "RecursionError"
        return result
    gc.collect()
    result["graph_and_grad_bytes"] = read() - before
    if use_tracemalloc:
        result["peak_bytes"] = tracemalloc.get_traced_memory()[1] - before
    return result


def measure_step_graph(library, args):
    """Nodes, edges and traced bytes of one training step's graph (walked iteratively)."""
    points, labels = two_moons(args.points)
    model = library.model()
    gc.collect()
    tracemalloc.start()
    before = read_traced_bytes()
    leaf = library.leaf
    scores = [model([leaf(first), leaf(second)]) for first, second in points]
    loss = library.mean([(1 - label * score).relu() for label, score in zip(labels, scores)])
    del scores
    gc.collect()
    graph_bytes = read_traced_bytes() - before
    loss.backward()
    gc.collect()
    graph_and_grad_bytes = read_traced_bytes() - before
    tracemalloc.stop()
    seen = {loss}
    stack = [loss]
    edges = 0
    while stack:
        node = stack.pop()
        parents = library.sources(node)
        edges += len(parents)
        for parent in parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return {"nodes": len(seen), "edges": edges, "graph_bytes": graph_bytes,
            "graph_and_grad_bytes": graph_and_grad_bytes}


# ----- one elementary operation: tracegrad's graph path against the yardstick -----------------

WORKED_INPUTS = (0.35, 0.20, 0.50)
WORKED_V = ((0.4963, 0.7682), (0.0885, 0.1320), (0.3074, 0.6341))
WORKED_W = ((0.4901, 0.8964, 0.4556), (0.6323, 0.3489, 0.4017))
WORKED_TARGET = (1.0, 0.0, 0.0)
TANH_CHAIN_SCALE, TANH_CHAIN_SHIFT = 1.0001, 0.1
TANH_CHAIN_LINKS_TIMED = 100_000


def elementary_worked_example(leaf):
    """The slides' 3-2-3 network and its loss from ``+ * ** exp log tanh`` alone: returns the loss.

    σ(q) = 0.5·tanh(q/2) + 0.5; softmax p_k = exp(z_k) · (Σ_j exp(z_j))⁻¹; L = −Σ y_k ln p_k.
    """
    x = [leaf(number) for number in WORKED_INPUTS]
    v = [[leaf(number) for number in row] for row in WORKED_V]
    w = [[leaf(number) for number in row] for row in WORKED_W]
    q = [x[0] * v[0][j] + x[1] * v[1][j] + x[2] * v[2][j] for j in range(2)]
    h = [0.5 * (0.5 * qj).tanh() + 0.5 for qj in q]
    exponentials = [(h[0] * w[0][k] + h[1] * w[1][k]).exp() for k in range(3)]
    denominator = (exponentials[0] + exponentials[1] + exponentials[2]) ** -1
    p = [e * denominator for e in exponentials]
    terms = [yk * pk.log() for yk, pk in zip(WORKED_TARGET, p)]
    return (terms[0] + terms[1] + terms[2]) * -1.0


def tanh_chain(leaf, links):
    """``x`` and ``y``: ``links`` times ``y = tanh(y·1.0001 + 0.1)`` from ``x`` (five nodes a link)."""
    x = leaf(0.5)
    y = x
    for _ in range(links):
        y = (y * TANH_CHAIN_SCALE + TANH_CHAIN_SHIFT).tanh()
    return x, y


def graph_size(library, root):
    """Every node reachable from ``root``: leaves, constants and operations (walked iteratively)."""
    seen = {root}
    stack = [root]
    while stack:
        for source in library.sources(stack.pop()):
            if source not in seen:
                seen.add(source)
                stack.append(source)
    return len(seen)


def measure_worked_example(library, args):
    """Build the elementary worked example and backpropagate, ``args.size`` times per repeat."""
    nodes = graph_size(library, elementary_worked_example(library.leaf))
    stopwatch = Stopwatch()
    for _ in range(args.repeats):
        gc.collect()
        with stopwatch:
            for _ in range(args.size):
                elementary_worked_example(library.leaf).backward()
    return stopwatch.result(nodes=nodes * args.size)


def measure_elementary_sum(library, args):
    """``sum()`` of ``args.size`` leaves, a chain of ``+``, then backward."""
    leaves = [library.leaf(random.Random(index).random()) for index in range(args.size)]
    nodes = graph_size(library, sum(leaves))
    stopwatch = Stopwatch()
    for _ in range(args.repeats):
        gc.collect()
        with stopwatch:
            sum(leaves).backward()
    return stopwatch.result(nodes=nodes)


def measure_tanh_chain(library, args):
    """Build a tanh chain of ``args.size`` links and backpropagate; short chains are timed
    as many in a row (100,000 links in all per repeat), so that every timing is long enough."""
    chains = max(1, TANH_CHAIN_LINKS_TIMED // args.size)
    nodes = graph_size(library, tanh_chain(library.leaf, args.size)[1])
    stopwatch = Stopwatch()
    for _ in range(args.repeats):
        gc.collect()
        with stopwatch:
            for _ in range(chains):
                x, y = tanh_chain(library.leaf, args.size)
                y.backward()
                del x, y
    return stopwatch.result(nodes=nodes * chains)


def measure_tanh_chain_backward(library, args):
    """Backward alone over tanh chains of ``args.size`` links, built before the clock starts
    (100,000 links in all per repeat): the walk's cost per node, without the build's."""
    chains = max(1, TANH_CHAIN_LINKS_TIMED // args.size)
    nodes = graph_size(library, tanh_chain(library.leaf, args.size)[1])
    stopwatch = Stopwatch()
    for _ in range(args.repeats):
        roots = [tanh_chain(library.leaf, args.size)[1] for _ in range(chains)]
        gc.collect()
        with stopwatch:
            for root in roots:
                root.backward()
        del roots
    return stopwatch.result(nodes=nodes * chains)


def process_status(field):
    """A size in bytes from /proc/self/status (``VmRSS``, ``VmHWM``), None without /proc."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def reset_peak_resident():
    """Start the peak RSS (VmHWM) afresh from now, where Linux allows it."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass


def measure_tanh_memory(library, args):
    """Bytes per node of a tanh chain: held by the graph, and at the peak of build + backward."""
    gc.collect()
    if args.tool == "tracemalloc":
        tracemalloc.start()
        before = read_traced_bytes()
        x, y = tanh_chain(library.leaf, args.size)
        graph_bytes = read_traced_bytes() - before
        y.backward()
        peak_bytes = tracemalloc.get_traced_memory()[1] - before
    else:
        reset_peak_resident()
        before = process_status("VmRSS")
        x, y = tanh_chain(library.leaf, args.size)
        graph_bytes = process_status("VmRSS") - before
        y.backward()
        peak_bytes = process_status("VmHWM") - before
    nodes = graph_size(library, y)
    return {"nodes": nodes, "graph_bytes": graph_bytes, "peak_bytes": peak_bytes}


MEASUREMENTS = {
    "step": measure_step,
    "epoch": measure_epoch,
    "epoch_compiled": measure_epoch_compiled,
    "wide_sum": measure_wide_sum,
    "chain": measure_chain,
    "memory": measure_memory,
    "step_graph": measure_step_graph,
    "worked_example": measure_worked_example,
    "tanh_chain_backward": measure_tanh_chain_backward,
    "elementary_sum": measure_elementary_sum,
    "tanh_chain": measure_tanh_chain,
    "tanh_memory": measure_tanh_memory,
}


def run_worker(args):
    """Child process: one measurement for one library, printed as one JSON line."""
    if args.recursion_limit:
        sys.setrecursionlimit(args.recursion_limit)
    library = (TracegradBefore(args.before) if args.worker == "tracegrad-before"
               else LIBRARIES[args.worker]())
    try:
        result = MEASUREMENTS[args.measure](library, args)
    except RecursionError:
        result = {"error": "RecursionError"}
    print(json.dumps(result))


# ----- the parent: venv, scheduling, table ----------------------------------------------------


def venv_python():
    scripts = "Scripts" if os.name == "nt" else "bin"
    return BENCH_VENV / scripts / ("python.exe" if os.name == "nt" else "python")


def ensure_bench_venv():
    """Create ``.venv-bench`` with micrograd 0.1.0 unless it is already there."""
    python = venv_python()
    check = f"import importlib.metadata as m; assert m.version('micrograd') == '{MICROGRAD_VERSION}'"
    if python.exists():
        if subprocess.run([python, "-c", check], capture_output=True).returncode == 0:
            return python
    else:
        print(f"creating {BENCH_VENV} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", BENCH_VENV], check=True)
    print(f"installing {MICROGRAD_REQUIREMENT} into {BENCH_VENV} ...", file=sys.stderr)
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", MICROGRAD_REQUIREMENT], check=True
    )
    return python


def run_child(python, library, measure, timeout=CHILD_TIMEOUT, **options):
    """Run one measurement in a fresh process; a crash becomes an error entry, not an exit."""
    command = [python, __file__, "--worker", library, "--measure", measure]
    for option, setting in options.items():
        command += [f"--{option.replace('_', '-')}", str(setting)]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"gave up after {timeout} s"}
    if completed.returncode != 0:
        last_line = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        if completed.returncode < 0:
            return {"error": f"crashed (signal {-completed.returncode})"}
        return {"error": f"failed: {last_line}"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def format_seconds(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def median_time(result, key="times"):
    return statistics.median(result[key]) if key in result else None


def time_cell(result):
    if "times" not in result:
        return result.get("error", "n/a")
    return f"{format_seconds(median_time(result))} (CPU {format_seconds(median_time(result, 'cpu_times'))})"


def speedup_cell(tracegrad_result, micrograd_result, target=None):
    """Speed-up of medians, wall clock and CPU time, and the verdict against ``target``."""
    ratios = []
    for key in ("times", "cpu_times"):
        ours, theirs = median_time(tracegrad_result, key), median_time(micrograd_result, key)
        if ours is None or theirs is None:
            return "n/a", ""
        ratios.append(theirs / ours)
    wall, cpu = ratios
    cell = f"{wall:.1f}x (CPU {cpu:.1f}x)"
    if target is None:
        return cell, ""
    verdicts = {(True, True): "met", (False, False): "MISSED",
                (True, False): "met on wall clock only", (False, True): "met on CPU time only"}
    return cell, f">= {target:g}x: {verdicts[wall >= target, cpu >= target]}"


def parameter_difference(first, second):
    """The largest |a − b| / max(1, |b|) over the parameters two runs ended with."""
    if "parameters" not in first or "parameters" not in second:
        return "n/a"
    return f"{max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(first['parameters'], second['parameters'])):.1e}"


def bytes_per_node(result, key):
    value = result.get(key)
    return value / result["nodes"] if isinstance(value, (int, float)) else None


def bytes_cell(result):
    """"graph / graph + grads" bytes per node, or why there is no number."""
    graph = bytes_per_node(result, "graph_bytes")
    if graph is None:
        return result.get("error", "n/a")
    with_grads = bytes_per_node(result, "graph_and_grad_bytes")
    after = f"{with_grads:.0f}" if with_grads is not None else result.get("after_backward", "n/a")
    return f"{graph:.0f} / {after}"


def memory_row(kind, tool, tracegrad_result, micrograd_result):
    graph = {"mul": f"y = y * {CHAIN_FACTOR} chain", "tanh": "y = tanh(y) chain",
             "step": "training-step graph (MLP, 100 points)"}[kind]
    method = {"tracemalloc": "tracemalloc", "rss": "RSS growth"}[tool]
    title = (f"bytes per node, graph / graph + grads: {tracegrad_result.get('nodes', 0):,}-node "
             f"{graph} ({method})")
    ours = bytes_per_node(tracegrad_result, "graph_and_grad_bytes")
    theirs = bytes_per_node(micrograd_result, "graph_and_grad_bytes")
    ours_graph = bytes_per_node(tracegrad_result, "graph_bytes")
    theirs_graph = bytes_per_node(micrograd_result, "graph_bytes")
    if ours and theirs:
        ratio = f"{theirs / ours:.1f}x less memory"
    elif ours_graph and theirs_graph:
        ratio = f"{theirs_graph / ours_graph:.1f}x less memory (graph)"
    else:
        ratio = "n/a"
    target = ""
    if kind == "step":
        edges_per_node = tracegrad_result["edges"] / tracegrad_result["nodes"]
        target = f"(the target is for 1,000,000 nodes; here {edges_per_node:.1f} edges a node)"
    elif ours is not None:
        # Judged on whole bytes, as shown: the leaf x adds a fraction of a byte per node.
        verdict = "met" if round(ours) <= TARGET_BYTES_PER_NODE else "MISSED"
        target = f"<= {TARGET_BYTES_PER_NODE:g} B: {verdict}"
    return (title, bytes_cell(tracegrad_result), bytes_cell(micrograd_result), ratio, target)


def machine_description(python):
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        cpu = platform.processor() or cpu
    version = subprocess.run(
        [python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{cpu}, {os.cpu_count()} cores, Python {version} ({platform.system()})"


def both(python, measure, micrograd_options=None, **options):
    """The same measurement for both libraries, tracegrad first."""
    tracegrad_result = run_child(python, "tracegrad", measure, **options)
    micrograd_result = run_child(python, "micrograd", measure, **{**options, **(micrograd_options or {})})
    return tracegrad_result, micrograd_result


def log(text):
    print(text, file=sys.stderr, flush=True)


def per_node_cell(result, unit=1e6):
    """Median µs per node, wall clock and CPU, or why there is none."""
    if "times" not in result:
        return result.get("error", "n/a")
    nodes = result["nodes"]
    return (f"{median_time(result) / nodes * unit:.2f} µs "
            f"(CPU {median_time(result, 'cpu_times') / nodes * unit:.2f} µs)")


def ratio_cell(ours, theirs):
    """tracegrad's median per node over the yardstick's (below 1: tracegrad is faster)."""
    if "times" not in ours or "times" not in theirs:
        return "n/a"
    wall, cpu = (median_time(ours, key) / ours["nodes"] / (median_time(theirs, key) / theirs["nodes"])
                 for key in ("times", "cpu_times"))
    return f"{wall:.2f} (CPU {cpu:.2f})"


def memory_cell(result):
    if "graph_bytes" not in result:
        return result.get("error", "n/a")
    return f"{result['graph_bytes'] / result['nodes']:.0f} / {result['peak_bytes'] / result['nodes']:.0f}"


def engine_rows(python, args, sizes):
    """One elementary operation: tracegrad (and ``--before``), against the yardstick, one run."""
    engines = ["tracegrad", "yardstick"] + (["tracegrad-before"] if args.before else [])

    def each(measure, **options):
        before = {"before": args.before} if args.before else {}
        return [run_child(python, engine, measure, **options,
                          **(before if engine == "tracegrad-before" else {}))
                for engine in engines]

    rows = []

    def time_row(title, results):
        ours, yardstick = results[:2]
        row = [title, per_node_cell(ours), per_node_cell(yardstick), ratio_cell(ours, yardstick)]
        if args.before:
            row += [per_node_cell(results[2]), ratio_cell(results[2], yardstick)]
        rows.append(row)

    log(f"worked example from + * ** exp log tanh, {sizes['worked']:,} times ...")
    time_row(f"slides' worked example from + * ** exp log tanh, built + backward "
             f"{sizes['worked']:,} times, per node",
             each("worked_example", size=sizes["worked"], repeats=sizes["engine_repeats"]))
    log(f"{sizes['wide']:,}-wide sum() ...")
    time_row(f"{sizes['wide']:,}-wide sum() of leaves (a chain of +), forward + backward, per node",
             each("elementary_sum", size=sizes["wide"], repeats=sizes["engine_repeats"]))
    for links in sizes["tanh_chains"]:
        log(f"{links:,}-link tanh chain ...")
        time_row(f"{links:,} links x → tanh(x·{TANH_CHAIN_SCALE} + {TANH_CHAIN_SHIFT}), "
                 f"forward + backward, per node",
                 each("tanh_chain", size=links, repeats=sizes["engine_repeats"]))
    for links in sizes["tanh_chains"]:
        log(f"{links:,}-link tanh chain, backward alone ...")
        time_row(f"{links:,} links x → tanh(x·{TANH_CHAIN_SCALE} + {TANH_CHAIN_SHIFT}), "
                 f"backward alone (built untimed), per node",
                 each("tanh_chain_backward", size=links, repeats=sizes["engine_repeats"]))
    for tool, method in (("tracemalloc", "tracemalloc"), ("rss", "RSS")):
        log(f"bytes per node of a {sizes['tanh_memory']:,}-link tanh chain ({method}) ...")
        results = each("tanh_memory", size=sizes["tanh_memory"], tool=tool)
        row = [f"bytes per node, graph / peak of build + backward: {sizes['tanh_memory']:,}-link "
               f"tanh chain ({method})", memory_cell(results[0]), memory_cell(results[1])]
        ratio = "n/a"
        if "peak_bytes" in results[0] and "peak_bytes" in results[1]:
            ratio = f"{results[0]['peak_bytes'] / results[1]['peak_bytes']:.2f} (peak)"
        row.append(ratio)
        if args.before:
            before_ratio = "n/a"
            if "peak_bytes" in results[2] and "peak_bytes" in results[1]:
                before_ratio = f"{results[2]['peak_bytes'] / results[1]['peak_bytes']:.2f} (peak)"
            row += [memory_cell(results[2]), before_ratio]
        rows.append(row)
    return rows


def print_engine_table(args, sizes, rows):
    print()
    print(f"One elementary operation, side by side with the benchmark's pure-Python yardstick "
          f"(`Scalar`); medians of {sizes['engine_repeats']} repeats; a node is every node the graph "
          f"holds (leaves, constants, operations); a ratio below 1 means tracegrad is faster or smaller.")
    print()
    header = "| workload | tracegrad | yardstick | tracegrad / yardstick |"
    rule = "|---|---|---|---|"
    if args.before:
        header += f" tracegrad before ({args.before}) | before / yardstick |"
        rule += "---|---|"
    print(header)
    print(rule)
    for row in rows:
        print("| " + " | ".join(row) + " |")


def run_parent(args):
    python = ensure_bench_venv()
    sizes = (
        {"points": 100, "steps": 3, "step_repeats": 2, "epoch_repeats": 1, "wide": 10_000,
         "chains": (10_000, 100_000), "chain_repeats": 1, "memory_nodes": 100_001,
         "worked": 1_000, "tanh_chains": (1_000, 10_000), "tanh_memory": 10_000,
         "engine_repeats": 1}
        if args.quick
        else {"points": 100, "steps": 20, "step_repeats": 7, "epoch_repeats": 3, "wide": 100_000,
              "chains": (100_000, 1_000_000), "chain_repeats": 3, "memory_nodes": 1_000_001,
              "worked": 10_000, "tanh_chains": (1_000, 10_000, 100_000), "tanh_memory": 100_000,
              "engine_repeats": 7}
    )
    if args.engine_only:
        print_engine_table(args, sizes, engine_rows(python, args, sizes))
        return
    raised = {"recursion_limit": RAISED_RECURSION_LIMIT}

    log("one training step ...")
    step = both(python, "step", points=sizes["points"], repeats=sizes["step_repeats"])
    log(f"{sizes['steps']}-step epoch ...")
    epoch = both(python, "epoch", points=sizes["points"], steps=sizes["steps"],
                 repeats=sizes["epoch_repeats"])
    log(f"{sizes['steps']}-step epoch from a compiled program ...")
    compiled_epoch = run_child(python, "tracegrad", "epoch_compiled", points=sizes["points"],
                               steps=sizes["steps"], repeats=sizes["epoch_repeats"])
    log(f"{sizes['wide']:,}-wide sum ...")
    wide = both(python, "wide_sum", size=sizes["wide"], repeats=sizes["chain_repeats"])
    wide_raised = run_child(python, "micrograd", "wide_sum", size=sizes["wide"],
                            repeats=sizes["chain_repeats"], **raised)
    chains = []
    for links in sizes["chains"]:
        log(f"{links:,}-deep chain ...")
        repeats = sizes["chain_repeats"] if links <= 100_000 else 1
        pair = both(python, "chain", size=links, repeats=repeats)
        chains.append((links, pair, run_child(python, "micrograd", "chain", size=links,
                                              repeats=repeats, **raised)))
    log(f"bytes per node at {sizes['memory_nodes']:,} nodes ...")
    memory = {}
    for tool in ("tracemalloc", "rss"):
        memory["mul", tool] = both(python, "memory", size=sizes["memory_nodes"], tool=tool,
                                   micrograd_options=raised)
        memory["tanh", tool] = (
            run_child(python, "tracegrad", "memory", size=sizes["memory_nodes"], tool=tool,
                      chain="tanh"),
            {"error": "no tanh in micrograd 0.1.0"},
        )
    step_graph = both(python, "step_graph", points=sizes["points"])
    elementary = engine_rows(python, args, sizes)

    rows = []
    step_ratio, step_target = speedup_cell(*step, TARGET_STEP_SPEEDUP)
    rows.append((f"one training step (MLP 2-16-16-1, {sizes['points']} two-moons points)",
                 time_cell(step[0]), time_cell(step[1]), step_ratio, step_target))
    epoch_ratio, epoch_target = speedup_cell(*epoch, TARGET_EPOCH_SPEEDUP)
    rows.append((f"{sizes['steps']}-step epoch, back to back", time_cell(epoch[0]),
                 time_cell(epoch[1]), epoch_ratio, epoch_target))
    compiled_ratio, compiled_target = speedup_cell(compiled_epoch, epoch[1],
                                                   TARGET_COMPILED_EPOCH_SPEEDUP)
    over_graph, over_graph_target = speedup_cell(compiled_epoch, epoch[0], TARGET_COMPILED_OVER_GRAPH)
    rows.append((f"{sizes['steps']}-step epoch, compiled program (autograd.compile_graph)",
                 time_cell(compiled_epoch), time_cell(epoch[1]), compiled_ratio, compiled_target))
    rows.append((f"{sizes['steps']}-step epoch, compiled program over tracegrad's graph epoch",
                 time_cell(compiled_epoch), f"tracegrad graph: {time_cell(epoch[0])}", over_graph,
                 over_graph_target))

    def deep_row(title, pair, raised_result):
        micrograd_cell = time_cell(pair[1])
        ratio, _ = speedup_cell(pair[0], pair[1])
        if "times" not in pair[1]:
            micrograd_cell += f"; {time_cell(raised_result)} with recursion limit raised"
            if "times" in raised_result:
                ratio = speedup_cell(pair[0], raised_result)[0] + " vs raised limit"
        return (title, time_cell(pair[0]), micrograd_cell, ratio, "")

    rows.append(deep_row(f"{sizes['wide']:,}-wide sum, forward + backward", wide, wide_raised))
    for links, pair, raised_result in chains:
        rows.append(deep_row(f"{links:,}-deep chain y = y * {CHAIN_FACTOR}, forward + backward",
                             pair, raised_result))
    for (kind, tool), (tracegrad_memory, micrograd_memory) in memory.items():
        rows.append(memory_row(kind, tool, tracegrad_memory, micrograd_memory))
    rows.append(memory_row("step", "tracemalloc", *step_graph))

    print()
    print(f"Machine: {machine_description(python)}; garbage collector on; times are medians "
          f"of {sizes['step_repeats']} steps / {sizes['epoch_repeats']} epochs / "
          f"{sizes['chain_repeats']} sums and 100,000-deep chains, 1 run of the longest chain.")
    print()
    print(f"| measurement | tracegrad | micrograd {MICROGRAD_VERSION} | tracegrad speed-up | target |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print_engine_table(args, sizes, elementary)
    print()
    print("Details:")
    for name, (tracegrad_result, micrograd_result) in (("step", step), ("epoch", epoch)):
        for library, result in (("tracegrad", tracegrad_result), ("micrograd", micrograd_result)):
            if "times" in result:
                times = ", ".join(
                    f"{format_seconds(wall)} (CPU {format_seconds(cpu)})"
                    for wall, cpu in zip(result["times"], result["cpu_times"])
                )
                losses = ", ".join(f"{loss:.12f}" for loss in result["losses"])
                print(f"  {name:5} {library:9} times: {times}; losses: {losses}")
            else:
                print(f"  {name:5} {library:9} {result}")
    print(f"  epoch compiled  times: {compiled_epoch.get('times', compiled_epoch)}; "
          f"losses: {compiled_epoch.get('losses')}")
    print(f"  parameters after {sizes['steps']} steps, compiled against graph: largest difference "
          f"{parameter_difference(compiled_epoch, epoch[0])}")
    for library, result in zip(("tracegrad", "micrograd"), step_graph):
        print(f"  one step's graph, {library:9} {result}")
    for (kind, tool), pair in memory.items():
        for library, result in zip(("tracegrad", "micrograd"), pair):
            print(f"  memory {kind:4} {tool:11} {library:9} {result}")
    print(f"  micrograd wide sum with raised recursion limit: {wide_raised}")
    for links, pair, raised_result in chains:
        print(f"  chain {links:,}: tracegrad {pair[0]}, micrograd {pair[1]}, raised {raised_result}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat: a smoke run")
    parser.add_argument("--engine-only", action="store_true",
                        help="only tracegrad against the yardstick (no micrograd): a minute or two")
    parser.add_argument("--before", metavar="CHECKOUT",
                        help="also time tracegrad from this checkout against the yardstick, same run")
    parser.add_argument("--worker", choices=sorted(LIBRARIES), help=argparse.SUPPRESS)
    parser.add_argument("--measure", choices=sorted(MEASUREMENTS), help=argparse.SUPPRESS)
    parser.add_argument("--points", type=int, default=100, help=argparse.SUPPRESS)
    parser.add_argument("--steps", type=int, default=20, help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--tool", choices=("tracemalloc", "rss"), default="tracemalloc",
                        help=argparse.SUPPRESS)
    parser.add_argument("--chain", choices=("mul", "tanh"), default="mul", help=argparse.SUPPRESS)
    parser.add_argument("--recursion-limit", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args)
    else:
        run_parent(args)


if __name__ == "__main__":
    main()
