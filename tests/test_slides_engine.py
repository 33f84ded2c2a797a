"""The slides' worked example computed with the engine alone (autograd.dot, sigmoid, softmax, log)."""

import pytest

import autograd
from autograd import Value

X = [0.35, 0.20, 0.50]
V = [[0.4963, 0.7682], [0.0885, 0.1320], [0.3074, 0.6341]]
W = [[0.4901, 0.8964, 0.4556], [0.6323, 0.3489, 0.4017]]


@pytest.fixture
def example():
    x = [Value(v, label=f"x{i + 1}") for i, v in enumerate(X)]
    v = [[Value(e, label=f"v{i + 1}{j + 1}") for j, e in enumerate(row)] for i, row in enumerate(V)]
    w = [[Value(e, label=f"w{i + 1}{j + 1}") for j, e in enumerate(row)] for i, row in enumerate(W)]
    q = [autograd.dot([row[j] for row in v], x) for j in range(2)]
    h = [qj.sigmoid() for qj in q]
    z = [autograd.dot([row[k] for row in w], h) for k in range(3)]
    p = autograd.softmax(z)
    loss = -p[0].log()  # the label "Good" is one-hot [1, 0, 0]
    return dict(x=x, v=v, w=w, q=q, h=h, z=z, p=p, loss=loss)


# The slides carry rounded intermediates from step to step, so their last digit
# can be one off the exact value (z2 is 0.75103 exactly; the slides print 0.7511).
SLIDES_PRECISION = 1e-4


def test_forward_values_match_the_slides(example):
    data = {name: [node.data for node in example[name]] for name in "qhzp"}
    assert data["q"] == pytest.approx([0.3451, 0.6123], abs=SLIDES_PRECISION)
    assert data["h"] == pytest.approx([0.5854, 0.6485], abs=SLIDES_PRECISION)
    assert data["z"] == pytest.approx([0.6969, 0.7511, 0.5272], abs=SLIDES_PRECISION)
    assert data["p"] == pytest.approx([0.3449, 0.3641, 0.2911], abs=SLIDES_PRECISION)
    assert example["loss"].data == pytest.approx(1.0645, abs=SLIDES_PRECISION)


def test_dl_dw11_is_the_slides_chain_rule_product(example):
    loss, p, z, h, w = (example[k] for k in ("loss", "p", "z", "h", "w"))
    loss.backward()
    assert w[0][0].grad == pytest.approx(-0.3835, abs=5e-5)
    (log_p1,) = loss.inputs  # L = −log p1
    dl_dp1 = loss.local_derivatives[0] * log_p1.local_derivatives[0]
    dp1_dz1 = p[0].local_derivatives[0]
    dz1_dw11 = z[0].local_derivatives[0]
    assert (dl_dp1, dp1_dz1, dz1_dw11) == pytest.approx((-2.8995, 0.2259, 0.5854), abs=5e-5)
    assert dz1_dw11 == h[0].data
    assert w[0][0].data - 0.5 * w[0][0].grad == pytest.approx(0.6819, abs=5e-5)


def test_every_gradient_agrees_with_central_differences():
    def loss_of(*weights):
        v = [weights[0:2], weights[2:4], weights[4:6]]
        w = [weights[6:9], weights[9:12]]
        x = [Value(e) for e in X]
        h = [autograd.dot([row[j] for row in v], x).sigmoid() for j in range(2)]
        z = [autograd.dot([row[k] for row in w], h) for k in range(3)]
        return -autograd.softmax(z)[0].log()

    flat = [e for row in V for e in row] + [e for row in W for e in row]
    assert autograd.gradcheck(loss_of, flat)
