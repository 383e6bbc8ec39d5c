"""Run one function in a second process while this one goes on.

The build writes the workbook, its slowest output, this way, next to the
CSVs, SQLite file and descriptor. The second process is forked, so it
starts in milliseconds and shares the tables without copying or pickling
them; where fork is not available or not safe (macOS, Windows) the
function simply runs in this process, when its result is asked for.

Whatever the function raises in the second process is raised again here,
when its result is asked for; a process that dies without a word (killed,
out of memory) is an error too. Either way the caller's build fails.
"""

from __future__ import annotations

import gc
import pickle
import signal
import sys


def fork_available() -> bool:
    import multiprocessing

    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


class BackgroundError(RuntimeError):
    """The second process failed in a way that cannot be passed back as
    the exception it raised."""


def _stop(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


def _child(conn, fn, args):
    # Objects inherited from the parent are never collected here; freezing
    # them keeps the collector from touching (and so copying) their pages.
    gc.freeze()
    # terminate() sends SIGTERM: stop as on any failure, so the function's
    # own clean-up (temporary files) runs.
    signal.signal(signal.SIGTERM, _stop)
    try:
        result = ("ok", fn(*args), None)
    except BaseException as exc:  # every failure goes back to the parent
        text = f"{type(exc).__name__}: {exc}"
        try:
            result = ("raise", pickle.dumps(exc), text)
        except Exception:
            result = ("error", None, text)
    try:
        conn.send(result)
    finally:
        conn.close()


class Background:
    """fn(*args), started now in a forked process unless in_process, else
    run in this process by result(). what names the work in messages."""

    def __init__(self, what: str, fn, *args, in_process: bool = False):
        self.what, self.fn, self.args = what, fn, args
        self.process = None
        if in_process or not fork_available():
            return
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self.conn, child_conn = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_child, args=(child_conn, fn, args))
        self.process.start()
        child_conn.close()  # so a dead child shows as end of file here

    def result(self):
        if self.process is None:
            return self.fn(*self.args)
        try:
            try:
                status, value, text = self.conn.recv()
            except EOFError:
                self.process.join()
                raise BackgroundError(f"the process writing {self.what} stopped without a result (exit code {self.process.exitcode})") from None
            self.process.join()
        finally:
            self.cancel()
        if status == "ok":
            return value
        if status == "raise":
            try:
                exc = pickle.loads(value)
            except Exception:
                exc = BackgroundError(f"writing {self.what}: {text}")
            raise exc
        raise BackgroundError(f"writing {self.what}: {text}")

    def cancel(self):
        """Stop the process if it is still running; a no-op once done."""
        if self.process is None:
            return
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.conn.close()
        self.process.close()
        self.process = None
        self.fn = _finished


def _finished(*args):
    raise BackgroundError("the result was already taken or the work cancelled")
