"""The command modules, in the order `disputes --help` lists them. Each module has `register(sub)`, which
adds its sub-commands with `set_defaults(run=…)`; a new command is a new module here plus its name below."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from typing import TypeAlias

from service.settings import Settings

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Run: TypeAlias = Callable[[Settings, argparse.Namespace], None]

COMMAND_MODULES = (
    "serve",
    "worker",
    "migrate",
    "dev",
    "seed_demo",
    "calendar",
    "users",
    "export",
    "report",
    "merchants",
    "backup",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="disputes", description="质量争议处理服务 Quality Disputes")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"service.cli.{name}").register(sub)
    return parser
