"""`python -m nuanxin.console create-user USERNAME --name 张三 --role agent|reviewer|admin`: a staff account for the
console (the password is read from the terminal, or from standard input with --password-stdin); `list` shows the
accounts. Run by an administrator on the server; each account created is in the audit log."""
from __future__ import annotations

import argparse
import getpass
import sys

from nuanxin.console import accounts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-user")
    create.add_argument("username")
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=[r.value for r in accounts.Role])
    create.add_argument("--password-stdin", action="store_true")
    commands.add_parser("list")
    args = parser.parse_args()
    if args.command == "list":
        for staff in accounts.every():
            print(f"{staff.username}\t{staff.display_name}\t{staff.role.value}")
        return
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("password: ")
    try:
        staff = accounts.create(args.username, args.name, accounts.Role(args.role), password,
                                actor=f"cli:{getpass.getuser()}")
    except ValueError as exc:
        sys.exit(str(exc))
    print(f"created {staff.username} ({staff.role.value})")


if __name__ == "__main__":
    main()
