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
import struct
from collections.abc import Callable

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


def in_background(paths: list[str]) -> Callable[[], list[bytes | None]]:
    """Start taking the signatures of paths in a second process; the
    function returned waits for them. Without fork, or if the process
    cannot be started or fails, the signatures are taken here."""
    if not hasattr(os, "fork") or not paths:
        return lambda: all_of(paths)
    import mmap

    size = SIG.size
    try:
        shared = mmap.mmap(-1, len(paths) * size)
        pid = os.fork()
    except OSError:
        return lambda: all_of(paths)
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

    def wait() -> list[bytes | None]:
        try:
            _, status = os.waitpid(pid, 0)
        except BaseException:
            _stop(pid)
            raise
        if status != 0:
            shared.close()
            return all_of(paths)
        blob = shared[:]
        shared.close()
        return [None if part == _NONE else part for part in (blob[i : i + size] for i in range(0, len(blob), size))]

    return wait


def _stop(pid: int):
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass
