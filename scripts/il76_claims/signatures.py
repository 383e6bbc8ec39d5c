"""Stat signatures of record files, for the cache to tell unchanged files
without reading them (see cache.py).

A warm check of a large tree spends a large part of its time in one lstat
call a file, time the process spends waiting on the kernel. Where fork is
available, a second process takes the signatures while this one loads the
cache, and hands them over through shared memory; if that process fails in
any way, this one takes them itself. Either way the result is the same
list, in file order.
"""

from __future__ import annotations

import os
import signal
import struct

# mode, size, modification and change times (ns), inode, device.
SIG = struct.Struct("<QqqqQQ")
# What a file with no signature (it vanished, or cannot be looked at) is
# stored as in the shared memory: no real file has mode 0.
_NONE = bytes(SIG.size)


def of(path: str) -> bytes | None:
    """One file's signature, packed, or None if it cannot be had."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return SIG.pack(st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def all_of(paths: list[str]) -> list[bytes | None]:
    return [of(p) for p in paths]


class Here:
    """Signatures taken in this process, when they are asked for."""

    def __init__(self, paths: list[str]):
        self.paths = paths

    def wait(self) -> list[bytes | None]:
        return all_of(self.paths)

    def cancel(self):
        pass


class Background:
    """Signatures taken by a forked process into shared memory."""

    def __init__(self, paths: list[str], shared, pid: int):
        self.paths, self._shared, self._pid = paths, shared, pid

    def wait(self) -> list[bytes | None]:
        """The signatures; taken here instead if the second process did not
        end well, or its end cannot be known."""
        try:
            _, status = os.waitpid(self._pid, 0)
        except ChildProcessError:  # already reaped elsewhere: its result cannot be trusted
            status = -1
        except BaseException:
            self.cancel()
            raise
        self._pid = None
        try:
            if status != 0:
                return all_of(self.paths)
            blob = self._shared[:]
        finally:
            self._shared.close()
        size = SIG.size
        return [None if part == _NONE else part for part in (blob[i : i + size] for i in range(0, len(blob), size))]

    def cancel(self):
        """Stop the second process, if it is still ours to stop."""
        if self._pid is None:
            return
        pid, self._pid = self._pid, None
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass
        self._shared.close()


def in_background(paths: list[str]) -> Here | Background:
    """Start taking the signatures of paths in a second process; .wait()
    gives them, .cancel() stops it. Without fork, where child processes are
    reaped without being waited for (SIGCHLD ignored: their end could not be
    known), or if the process cannot be started, they are taken here when
    asked for."""
    if not hasattr(os, "fork") or not paths or signal.getsignal(signal.SIGCHLD) == signal.SIG_IGN:
        return Here(paths)
    import mmap

    size = SIG.size
    try:
        shared = mmap.mmap(-1, len(paths) * size)
    except OSError:
        return Here(paths)
    try:
        pid = os.fork()
    except OSError:
        shared.close()
        return Here(paths)
    if pid == 0:  # the second process: fill the shared memory, then leave at once
        code = 1
        try:
            lstat, pack_into = os.lstat, SIG.pack_into
            for i, path in enumerate(paths):
                try:
                    st = lstat(path)
                except OSError:
                    continue  # left as zeros: no signature
                pack_into(shared, i * size, st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
            code = 0
        finally:
            os._exit(code)
    return Background(paths, shared, pid)
