"""``no_grad`` belongs to the code that entered it: one thread or asyncio task, not the process."""

import asyncio
import threading

import autograd
from autograd import Value, no_grad


def test_no_grad_records_nothing_and_restores_recording():
    x = Value(2.0, label="x")
    with no_grad():
        assert not autograd.is_recording()
        y = x * x
    assert autograd.is_recording()
    assert y.is_leaf and y.data == 4.0


def test_another_thread_keeps_recording_while_one_is_inside_no_grad():
    inside, done = threading.Event(), threading.Event()
    results = {}

    def quiet():
        with no_grad():
            inside.set()
            done.wait(timeout=10)

    def busy():
        inside.wait(timeout=10)
        x = Value(3.0, label="x")
        y = x * x
        y.backward()
        results["grad"] = x.grad
        done.set()

    threads = [threading.Thread(target=quiet), threading.Thread(target=busy)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert results["grad"] == 6.0


def test_overlapping_blocks_in_two_threads_leave_recording_on_for_everyone():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    def first():
        with no_grad():
            first_in.set()
            second_in.wait(timeout=10)
        first_out.set()

    def second():
        first_in.wait(timeout=10)
        with no_grad():
            second_in.set()
            first_out.wait(timeout=10)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert autograd.is_recording()
    x = Value(1.0)
    assert not (x * x).is_leaf


def test_asyncio_tasks_each_have_their_own_setting():
    async def quiet(started, release):
        with no_grad():
            started.set()
            await release.wait()
            return autograd.is_recording()

    async def busy(started, release):
        await started.wait()
        x = Value(2.0, label="x")
        recorded = not (x * x).is_leaf
        release.set()
        return recorded

    async def main():
        started, release = asyncio.Event(), asyncio.Event()
        return await asyncio.gather(quiet(started, release), busy(started, release))

    inside_quiet, recorded_in_busy = asyncio.run(main())
    assert inside_quiet is False and recorded_in_busy is True


def test_enable_grad_records_inside_no_grad():
    x = Value(1.5)
    with no_grad():
        with autograd.enable_grad():
            y = x * x
        z = x * x
    assert not y.is_leaf and z.is_leaf
