"""The il76-claims command: a thin layer over the library functions.

Each subcommand lives in commands/<name>.py with ``HELP``, ``add_arguments``
and ``run``; heavy libraries are imported inside ``run`` so that ``check``
starts fast. Long options only: their --help text is the same on every
supported Python, so the copies in the README can be checked.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Order here is the order in --help.
COMMANDS = ("check", "build", "new", "fmt", "diff", "version-check", "release", "coverage")

PROG = "il76-claims"
DESCRIPTION = "Check the YAML records and build the Il-76 statements data package."


def _formatter(prog):
    return argparse.RawDescriptionHelpFormatter(prog, width=88, max_help_position=32)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION, formatter_class=_formatter)
    parser.add_argument("--version", action="version", version=f"{PROG} {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name in COMMANDS:
        mod = importlib.import_module(f".commands.{name.replace('-', '_')}", __package__)
        p = sub.add_parser(name, help=mod.HELP, description=mod.DESCRIPTION, formatter_class=_formatter)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def _version() -> str:
    from . import __version__

    return __version__


def _safe_streams():
    # Messages quote record text (Cyrillic, Arabic...). On a terminal whose
    # encoding cannot show it, escape the character rather than crash.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass


def main(argv: list[str] | None = None) -> int:
    _safe_streams()
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return args._run(args)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; outputs were left as they were", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # the promise is: never a traceback
        print(f"{PROG}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(f"{PROG}: this is a bug in the tooling, not in the records; please report it with the command you ran", file=sys.stderr)
        return 2
