"""Reading committed files from git, and choosing the commit to compare with.

Everything goes through the ``git`` command (no library), with prompts and
pagers off, so it behaves the same on a contributor's machine and in CI.
A missing git, a shallow clone or a first commit is never an exception the
caller has to guess about: functions return None and callers say why.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

NULL_SHA = "0" * 40


class GitError(Exception):
    """git could not be run, or refused a command that should work."""


def _run(root: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C"}
    try:
        return subprocess.run(["git", "-C", root, *args], capture_output=True, env=env, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None


def _out(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout.decode("utf-8", "replace").strip()


def is_repo(root: str) -> bool:
    try:
        proc = _run(root, "rev-parse", "--is-inside-work-tree")
    except GitError:
        return False
    return proc.returncode == 0 and _out(proc) == "true"


def resolve(root: str, ref: str) -> str | None:
    """The full commit id a ref names, or None if it names no commit here."""
    if not ref or ref.startswith("-"):
        return None
    proc = _run(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return _out(proc) if proc.returncode == 0 else None


def is_shallow(root: str) -> bool:
    proc = _run(root, "rev-parse", "--is-shallow-repository")
    return _out(proc) == "true"


def parents(root: str, commit: str) -> list[str]:
    proc = _run(root, "rev-list", "--parents", "-n", "1", commit)
    if proc.returncode != 0:
        raise GitError(f"git rev-list {commit}: {proc.stderr.decode('utf-8', 'replace').strip()}")
    return _out(proc).split()[1:]


def merge_base(root: str, a: str, b: str) -> str | None:
    proc = _run(root, "merge-base", a, b)
    return _out(proc) if proc.returncode == 0 else None


def read_blob(root: str, commit: str, path: str) -> bytes | None:
    """The bytes of ``path`` (relative to ``root``) as committed in ``commit``;
    None when the commit has no such file."""
    # "<commit>:./<path>" is read relative to the -C folder, so a project
    # that sits in a subfolder of the repository works too.
    proc = _run(root, "cat-file", "blob", f"{commit}:./{path}")
    return proc.stdout if proc.returncode == 0 else None


def short(commit: str) -> str:
    return commit[:12]


@dataclass(frozen=True)
class Base:
    """The commit to compare with, how it was chosen, or why there is none."""

    commit: str | None
    how: str
    skip: str | None = None


def _skip(reason: str) -> Base:
    return Base(None, "", reason)


def _previous_commit(root: str, head: str, why: str) -> Base:
    ps = parents(root, head)
    if ps:
        return Base(ps[0], f"HEAD^, the previous commit ({why})")
    if is_shallow(root):
        return _skip(
            "this is a shallow clone and the previous commit is not in it; fetch the history (actions/checkout with fetch-depth: 0) or pass --base REF"
        )
    return _skip("HEAD is the first commit: there is no earlier version to compare with")


def default_base(root: str, env: Mapping[str, str] | None = None) -> Base:
    """The commit a change is judged against when --base is not given.

    * In a pull request on GitHub Actions: the merge base of HEAD and the
      target branch (origin/$GITHUB_BASE_REF), i.e. what the PR changes.
    * On a push on GitHub Actions: the commit before the push (from the event
      payload), else HEAD's parent.
    * Elsewhere: the merge base of HEAD and origin/main (or main): what this
      branch and the working tree change compared with the published data.
    """
    env = os.environ if env is None else env
    if not is_repo(root):
        return _skip(f"{root} is not in a git repository")
    head = resolve(root, "HEAD")
    if head is None:
        return _skip("the repository has no commits yet")
    target = env.get("GITHUB_BASE_REF")
    if target:
        for cand in (f"origin/{target}", target):
            c = resolve(root, cand)
            if c:
                mb = merge_base(root, head, c)
                if mb:
                    return Base(mb, f"merge base of HEAD and {cand}, the pull request's target")
                return _skip(
                    f"HEAD and {cand} have no common commit in this clone (shallow clone?); fetch the history (actions/checkout with fetch-depth: 0) or pass --base REF"
                )
        return _skip(
            f"the pull request's target branch {target!r} is not in this clone; fetch it (actions/checkout with fetch-depth: 0) or pass --base REF"
        )
    if env.get("GITHUB_EVENT_NAME") == "push":
        before = _push_before(env.get("GITHUB_EVENT_PATH"))
        if before and before != NULL_SHA:
            c = resolve(root, before)
            if c:
                return Base(c, "the commit before this push")
        return _previous_commit(root, head, "push")
    for cand in ("origin/main", "main"):
        c = resolve(root, cand)
        if c:
            mb = merge_base(root, head, c)
            if mb:
                return Base(mb, f"merge base of HEAD and {cand}")
    return _skip("no main or origin/main branch to compare with; pass --base REF")


def _push_before(event_path: str | None) -> str | None:
    if not event_path:
        return None
    try:
        with open(event_path, encoding="utf-8") as fh:
            before = json.load(fh).get("before")
    except (OSError, ValueError, AttributeError):
        return None
    return before if isinstance(before, str) else None
