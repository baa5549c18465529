"""`python -m nuanxin.console create-user USERNAME --name 张三 --role agent|reviewer|admin`: a staff account for the
console (the password is read from the terminal, or from standard input with --password-stdin); `list` shows the
accounts. `issue-key SYSTEM` prints a new Open311 api_key for another city system (shown once; issuing again
replaces it), `revoke-key SYSTEM` stops it, `keys` lists them. Run by an administrator on the server; each
account and key is in the audit log."""
from __future__ import annotations

import argparse
import getpass
import sys

from nuanxin.console import accounts
from nuanxin.report import open311


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-user")
    create.add_argument("username")
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=[r.value for r in accounts.Role])
    create.add_argument("--password-stdin", action="store_true")
    commands.add_parser("list")
    for name in ("issue-key", "revoke-key"):
        commands.add_parser(name).add_argument("system")
    commands.add_parser("keys")
    args = parser.parse_args()
    actor = f"cli:{getpass.getuser()}"
    if args.command == "list":
        for staff in accounts.every():
            print(f"{staff.username}\t{staff.display_name}\t{staff.role.value}")
        return
    if args.command == "issue-key":
        print(open311.issue_key(args.system, actor))
        return
    if args.command == "revoke-key":
        sys.exit(0 if open311.revoke_key(args.system, actor) else f"no active key for {args.system}")
    if args.command == "keys":
        for system, active, created in open311.keys():
            print(f"{system}\t{'active' if active else 'revoked'}\t{created:%Y-%m-%d}")
        return
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("password: ")
    try:
        staff = accounts.create(args.username, args.name, accounts.Role(args.role), password, actor=actor)
    except ValueError as exc:
        sys.exit(str(exc))
    print(f"created {staff.username} ({staff.role.value})")


if __name__ == "__main__":
    main()
