"""Work run in a second process: its result, or its failure, comes back."""

from __future__ import annotations

import os

import pytest

from il76_claims.background import Background, BackgroundError, fork_available

needs_fork = pytest.mark.skipif(not fork_available(), reason="needs fork")


def _pid_and(value):
    return os.getpid(), value


class Unpicklable(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.callback = lambda: None  # a lambda cannot be pickled


def _raise_unpicklable():
    raise Unpicklable("the disk went away")


def _raise_os_error():
    raise OSError(28, "No space left on device")


@needs_fork
def test_the_result_comes_from_another_process():
    pid, value = Background("a test", _pid_and, "done").result()
    assert value == "done" and pid != os.getpid()


def test_in_process_runs_here():
    assert Background("a test", _pid_and, "done", in_process=True).result() == (os.getpid(), "done")


@needs_fork
def test_the_exception_raised_there_is_raised_here():
    with pytest.raises(OSError) as err:
        Background("a test", _raise_os_error).result()
    assert (err.value.errno, err.value.strerror) == (28, "No space left on device")


@needs_fork
def test_an_exception_that_cannot_travel_is_described():
    with pytest.raises(BackgroundError) as err:
        Background("a test", _raise_unpicklable).result()
    assert str(err.value) == "writing a test: Unpicklable: the disk went away"


@needs_fork
def test_a_result_is_taken_once():
    work = Background("a test", _pid_and, 1)
    work.result()
    with pytest.raises(BackgroundError, match="already taken"):
        work.result()
