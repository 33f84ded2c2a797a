"""Numerically stable forms: the slides' sigmoid and softmax at logits of ±1000."""

import math

import pytest

import autograd
from autograd import Value


@pytest.mark.parametrize("x, limit", [(-1000.0, 0.0), (1000.0, 1.0), (-745.0, 0.0), (40.0, 1.0)])
def test_sigmoid_reaches_its_exact_limits_without_overflow(x, limit):
    node = Value(x)
    out = node.sigmoid()
    out.backward()
    assert out.data == pytest.approx(limit, abs=1e-17)
    assert node.grad == pytest.approx(0.0, abs=1e-17)
    assert node.grad >= 0.0


def test_softmax_of_extreme_logits_is_exact():
    z = [Value(1000.0), Value(-1000.0), Value(0.0)]
    p = autograd.softmax(z)
    assert [pk.data for pk in p] == [1.0, 0.0, 0.0]
    p[0].backward()
    assert all(math.isfinite(zk.grad) for zk in z)


def test_log_softmax_and_logsumexp_of_extreme_logits():
    z = [Value(1000.0), Value(-1000.0), Value(0.0)]
    assert autograd.logsumexp(z).data == pytest.approx(1000.0)
    log_p = autograd.log_softmax(z)
    assert [v.data for v in log_p] == pytest.approx([0.0, -2000.0, -1000.0])
    log_p[1].backward()
    assert [zk.grad for zk in z] == pytest.approx([-1.0, 1.0, 0.0])


def test_softmax_of_equal_logits_is_uniform():
    p = autograd.softmax([Value(3.0)] * 4)
    assert [pk.data for pk in p] == pytest.approx([0.25] * 4)


def test_softmax_node_reads_every_logit_with_the_jacobian_as_local_derivatives():
    z = [Value(0.6969), Value(0.7511), Value(0.5272)]
    p = autograd.softmax(z)
    for k, pk in enumerate(p):
        assert pk.inputs == tuple(z)
        for j, local in enumerate(pk.local_derivatives):
            delta = 1.0 if j == k else 0.0
            assert local == pytest.approx(pk.data * (delta - p[j].data), rel=1e-12)
