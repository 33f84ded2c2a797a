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

    def __init__(self):
        sys.path.insert(0, str(REPOSITORY))
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


LIBRARIES = {"tracegrad": Tracegrad, "micrograd": Micrograd}


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
        parents = node.inputs if library.name == "tracegrad" else node._prev
        edges += len(parents)
        for parent in parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return {"nodes": len(seen), "edges": edges, "graph_bytes": graph_bytes,
            "graph_and_grad_bytes": graph_and_grad_bytes}


MEASUREMENTS = {
    "step": measure_step,
    "epoch": measure_epoch,
    "epoch_compiled": measure_epoch_compiled,
    "wide_sum": measure_wide_sum,
    "chain": measure_chain,
    "memory": measure_memory,
    "step_graph": measure_step_graph,
}


def run_worker(args):
    """Child process: one measurement for one library, printed as one JSON line."""
    if args.recursion_limit:
        sys.setrecursionlimit(args.recursion_limit)
    library = LIBRARIES[args.worker]()
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


def run_parent(args):
    python = ensure_bench_venv()
    sizes = (
        {"points": 100, "steps": 3, "step_repeats": 2, "epoch_repeats": 1, "wide": 10_000,
         "chains": (10_000, 100_000), "chain_repeats": 1, "memory_nodes": 100_001}
        if args.quick
        else {"points": 100, "steps": 20, "step_repeats": 7, "epoch_repeats": 3, "wide": 100_000,
              "chains": (100_000, 1_000_000), "chain_repeats": 3, "memory_nodes": 1_000_001}
    )
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
