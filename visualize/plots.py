"""Pictures of a training run, drawn with matplotlib: the loss curve and the decision boundary.

matplotlib is optional (``pip install 'tracegrad[plot]'``): it is imported when a
picture is drawn, so importing this module never needs it, and a missing
matplotlib shows as ``ImportError`` from the drawing functions. Each picture is
rendered in memory and then written with ``nn.files.write_atomically``, so a
failed write leaves no half-written PNG.
"""

import io
import math

from nn.files import write_atomically

GRID_SIZE = 50  # points per side of the decision-boundary grid
MARGIN = 0.25  # how far the grid reaches beyond the data, in the data's units


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only: no window, works over SSH
    import matplotlib.pyplot as plt

    return plt


def _save(figure, path):
    """Render ``figure`` to PNG bytes, close it, and write the file in one piece."""
    plt = _pyplot()
    buffer = io.BytesIO()
    try:
        figure.tight_layout()
        figure.savefig(buffer, format="png", dpi=120)
    finally:
        plt.close(figure)
    return write_atomically(path, buffer.getvalue())


def loss_curve(losses, path, title):
    """The mean loss of each epoch as a line, written to ``path`` as PNG; returns the path."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7, 4.5))
    axes.plot(range(1, len(losses) + 1), losses, color="tab:blue", linewidth=2)
    axes.tick_params(labelsize=11)
    axes.set_xlabel("epoch", fontsize=13)
    axes.set_ylabel("mean cross-entropy loss", fontsize=13)
    axes.set_title(title, fontsize=14)
    axes.grid(alpha=0.3)
    return _save(figure, path)


def _grid_axis(values):
    low, high = min(values) - MARGIN, max(values) + MARGIN
    return [low + (high - low) * i / (GRID_SIZE - 1) for i in range(GRID_SIZE)]


def decision_boundary(model, dataset, path, title):
    """The classes a 2-feature classifier predicts over the plane, with the data on top.

    With two classes the shading is P(class 1) from the two logits and a black line marks
    0.5; with more, each region is coloured by its predicted class. Returns the path.
    """
    from nn.training import predict_values

    plt = _pyplot()
    xs = [row[0] for row in dataset.inputs]
    ys = [row[1] for row in dataset.inputs]
    grid_x, grid_y = _grid_axis(xs), _grid_axis(ys)
    outputs = predict_values(model, [[x, y] for y in grid_y for x in grid_x])
    n_classes = len(dataset.class_names)
    if n_classes == 2:
        # Clamped so exp() stays finite however far apart the two logits are.
        shade = [1.0 / (1.0 + math.exp(max(min(a - b, 700.0), -700.0))) for a, b in outputs]
    else:
        shade = [max(range(n_classes), key=row.__getitem__) for row in outputs]
    surface = [shade[j * GRID_SIZE:(j + 1) * GRID_SIZE] for j in range(GRID_SIZE)]
    figure, axes = plt.subplots(figsize=(6.5, 6))
    axes.contourf(grid_x, grid_y, surface, levels=20, cmap="coolwarm", alpha=0.4)
    if n_classes == 2:
        axes.contour(grid_x, grid_y, surface, levels=[0.5], colors="black", linewidths=2)
    colours = plt.get_cmap("coolwarm", n_classes)
    for index, class_name in enumerate(dataset.class_names):
        members = [k for k, target in enumerate(dataset.targets) if target == index]
        axes.scatter([xs[k] for k in members], [ys[k] for k in members], color=colours(index),
                     edgecolors="black", s=36, label=class_name)
    axes.legend(fontsize=11, loc="best")
    axes.tick_params(labelsize=11)
    axes.set_xlabel(dataset.feature_names[0], fontsize=13)
    axes.set_ylabel(dataset.feature_names[1], fontsize=13)
    axes.set_title(title, fontsize=13)
    return _save(figure, path)
