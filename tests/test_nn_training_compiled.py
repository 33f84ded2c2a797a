"""train(..., compiled=True) makes the same updates as the graph path, to rounding."""

import pytest

import nn

HINGE_MOONS = dict(loss="hinge", mode="batch", epochs=20)


def _twins(**model_options):
    return nn.MLP(**model_options, seed=7), nn.MLP(**model_options, seed=7)


def _train_both(model_options, inputs, targets, optimizer, **options):
    graph_model, compiled_model = _twins(**model_options)
    histories = []
    for model, compiled in ((graph_model, False), (compiled_model, True)):
        histories.append(nn.train(model, inputs, targets, progress=False, compiled=compiled,
                                  optimizer=optimizer(model.parameters()), **options))
    return graph_model, compiled_model, histories


def test_twenty_hinge_steps_on_two_moons_give_the_graphs_parameters():
    data = nn.data.two_moons(100, noise=0.1, seed=0)
    targets = [1 if t else -1 for t in data.targets]
    options = dict(nin=2, sizes=[16, 16, 1], activation="relu")
    graph_model, compiled_model, (graph, compiled) = _train_both(
        options, data.inputs, targets, lambda p: nn.SGD(p, lr=0.1), **HINGE_MOONS)
    ours = [value.data for value in compiled_model.parameters()]
    assert ours == pytest.approx([value.data for value in graph_model.parameters()], rel=1e-12, abs=1e-12)
    assert ours != [value.data for value in nn.MLP(**options, seed=7).parameters()]
    assert compiled.loss == pytest.approx(graph.loss, rel=1e-12)
    assert compiled.accuracy == graph.accuracy and compiled.updates == graph.updates == 20


@pytest.mark.parametrize("loss, sizes, output, targets_of", [
    ("cross_entropy", [5, 3], "identity", lambda k: k % 3),
    ("cross_entropy_from_probabilities", [4, 3], "softmax", lambda k: [1.0 * (k % 3 == c) for c in range(3)]),
    ("binary_cross_entropy_with_logits", [6, 1], "identity", lambda k: k % 2),
    ("mse", [4, 2], "identity", lambda k: [0.1 * k, -0.05 * k]),
])
def test_every_loss_trains_alike_in_mini_batches_with_adam_and_a_penalty(loss, sizes, output, targets_of):
    inputs = [[((7 * k) % 11) / 5 - 1, ((3 * k) % 7) / 3 - 1] for k in range(24)]
    options = dict(nin=2, sizes=sizes, activation="tanh", output_activation=output)
    graph_model, compiled_model, (graph, compiled) = _train_both(
        options, inputs, [targets_of(k) for k in range(24)], lambda p: nn.Adam(p, lr=0.05), loss=loss, mode="mini-batch", batch_size=5,
        epochs=3, penalty=lambda model: nn.squared_l2_penalty(model, 0.01))
    ours = [value.data for value in compiled_model.parameters()]
    theirs = [value.data for value in graph_model.parameters()]
    assert ours == pytest.approx(theirs, rel=1e-10, abs=1e-12)
    assert compiled.loss == pytest.approx(graph.loss, rel=1e-10)


def test_what_a_replay_cannot_follow_is_refused():
    data = nn.data.two_moons(10, seed=0)
    with pytest.raises(ValueError, match="cannot replay dropout"):
        model = nn.MLP(2, [4, 1], dropout=0.5, seed=0)
        nn.train(model, data.inputs, data.targets, loss="binary_cross_entropy_with_logits",
                 optimizer=nn.SGD(model.parameters(), lr=0.1), compiled=True, progress=False)
    weights = nn.MLP(2, [1], seed=0)
    with pytest.raises(TypeError, match="needs an nn.MLP"):
        nn.train(lambda row: weights(row), data.inputs, data.targets,
                 loss="binary_cross_entropy_with_logits",
                 optimizer=nn.SGD(weights.parameters(), lr=0.1), compiled=True, progress=False)
