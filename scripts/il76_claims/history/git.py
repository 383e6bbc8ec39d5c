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


class GitError(Exception):
    """git could not be run."""


def _git(root: str, *args: str) -> bytes | None:
    """What git writes to stdout, or None when it fails."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C"}
    try:
        proc = subprocess.run(["git", "-C", root, *args], capture_output=True, env=env, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    return proc.stdout if proc.returncode == 0 else None


def _text(root: str, *args: str) -> str | None:
    out = _git(root, *args)
    return None if out is None else out.decode("utf-8", "replace").strip()


def is_repo(root: str) -> bool:
    try:
        return _text(root, "rev-parse", "--is-inside-work-tree") == "true"
    except GitError:
        return False


def resolve(root: str, ref: str) -> str | None:
    """The full commit id a ref names, or None if it names no commit here."""
    if not ref or ref.startswith("-"):
        return None
    return _text(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")


def read_blob(root: str, commit: str, path: str) -> bytes | None:
    """The bytes of ``path`` (relative to ``root``) as committed in ``commit``;
    None when the commit has no such file."""
    # "<commit>:./<path>" is read relative to the -C folder, so a project
    # that sits in a subfolder of the repository works too.
    return _git(root, "cat-file", "blob", f"{commit}:./{path}")


def short(commit: str) -> str:
    return commit[:12]


class NoBase(Exception):
    """There is no commit to compare with; the message says why."""


def default_base(root: str, env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(commit, how it was chosen) of the commit a change is judged against
    when --base is not given; NoBase when there is none.

    * In a pull request on GitHub Actions: the merge base of HEAD and the
      target branch (origin/$GITHUB_BASE_REF), i.e. what the PR changes.
    * On a push on GitHub Actions: the commit before the push (from the event
      payload), else HEAD's parent.
    * Elsewhere: the merge base of HEAD and origin/main (or main): what this
      branch and the working tree change compared with the published data.
    """
    env = os.environ if env is None else env
    if not is_repo(root):
        raise NoBase(f"{root} is not in a git repository")
    if resolve(root, "HEAD") is None:
        raise NoBase("the repository has no commits yet")
    target = env.get("GITHUB_BASE_REF")
    if target:
        cand = next((c for c in (f"origin/{target}", target) if resolve(root, c)), None)
        if cand is None:
            raise NoBase(
                f"the pull request's target branch {target!r} is not in this clone; fetch it (actions/checkout with fetch-depth: 0) or pass --base REF"
            )
        mb = _text(root, "merge-base", "HEAD", cand)
        if mb is None:
            raise NoBase(
                f"HEAD and {cand} have no common commit in this clone (shallow clone?); fetch the history (actions/checkout with fetch-depth: 0) or pass --base REF"
            )
        return mb, f"merge base of HEAD and {cand}, the pull request's target"
    if env.get("GITHUB_EVENT_NAME") == "push":
        # A push that creates a branch has 40 zeros as before: no commit.
        before = resolve(root, _push_before(env.get("GITHUB_EVENT_PATH")))
        if before:
            return before, "the commit before this push"
        parent = resolve(root, "HEAD^")
        if parent:
            return parent, "HEAD^, the previous commit (push)"
        if _text(root, "rev-parse", "--is-shallow-repository") == "true":
            raise NoBase(
                "this is a shallow clone and the previous commit is not in it; fetch the history (actions/checkout with fetch-depth: 0) or pass --base REF"
            )
        raise NoBase("HEAD is the first commit: there is no earlier version to compare with")
    for cand in ("origin/main", "main"):
        mb = _text(root, "merge-base", "HEAD", cand)
        if mb:
            return mb, f"merge base of HEAD and {cand}"
    raise NoBase("no main or origin/main branch to compare with; pass --base REF")


def _push_before(event_path: str | None) -> str:
    """The commit before a push, from the event payload; "" when unknown."""
    try:
        with open(event_path or "", encoding="utf-8") as fh:
            before = json.load(fh).get("before")
    except (OSError, ValueError, AttributeError):
        return ""
    return before if isinstance(before, str) else ""
