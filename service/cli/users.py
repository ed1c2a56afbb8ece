"""`disputes users add|disable|list`: staff accounts (the password only ever on standard input)."""

from __future__ import annotations

import argparse
import sys

from service.cli.common import fail, resolve, with_pool
from service.cli.registry import Subcommands
from service.settings import Settings


def cmd_users_add(settings: Settings, args: argparse.Namespace) -> None:
    from domain.errors import ValidationFailed
    from service.usecases import auth

    if not args.password_stdin:
        fail("give the password on standard input with --password-stdin (never on the command line)")
    password = sys.stdin.readline().rstrip("\n")
    settings, servers = resolve(settings, redis=False)
    try:
        user_id = with_pool(
            settings, lambda pool: auth.add_user(pool, args.username, args.role, password, args.name)
        )
    except ValidationFailed as exc:
        fail("; ".join(f"{e.field}: {e.message_en}" for e in exc.errors))
    finally:
        servers.stop()
    print(f"user {args.username} added (id {user_id}) with roles: {', '.join(sorted(set(args.role)))}")


def cmd_users_disable(settings: Settings, args: argparse.Namespace) -> None:
    from service.usecases import auth

    settings, servers = resolve(settings, redis=False)
    try:
        found = with_pool(settings, lambda pool: auth.disable_user(pool, args.username))
    finally:
        servers.stop()
    if not found:
        fail(f"no user {args.username}")
    print(f"user {args.username} disabled; their sessions are ended")


def cmd_users_list(settings: Settings, args: argparse.Namespace) -> None:
    from service.usecases import auth

    settings, servers = resolve(settings, redis=False)
    try:
        rows = with_pool(settings, auth.list_users)
    finally:
        servers.stop()
    for r in rows:
        state = "disabled" if r["disabled"] else "active"
        print(f"{r['username']:<24} {','.join(r['roles']):<36} {state:<9} {r['display_name']}")


def register(sub: Subcommands) -> None:
    users = sub.add_parser("users", help="staff accounts").add_subparsers(dest="action", required=True)
    p = users.add_parser("add", help="add a staff account; the password is read from standard input")
    p.add_argument("username")
    p.add_argument(
        "--role", action="append", required=True, help="clerk, mediator, supervisor, leading_group, admin"
    )
    p.add_argument("--name", help="display name (default: the username)")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(run=cmd_users_add)
    p = users.add_parser("disable", help="disable an account and end its sessions")
    p.add_argument("username")
    p.set_defaults(run=cmd_users_disable)
    users.add_parser("list", help="list staff accounts").set_defaults(run=cmd_users_list)
