"""Staff side of union applications until the console exists: the functions it will call.

    python -m nuanxin.union list                                   applications waiting, masked
    python -m nuanxin.union approve RH-20261128-0001 --actor 王芳
    python -m nuanxin.union reject RH-20261128-0001 --actor 王芳 --reason 身份证号与姓名不符
"""
from __future__ import annotations

import argparse
import sys

from nuanxin.union import applications


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nuanxin.union", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list")
    for name in ("approve", "reject"):
        command = commands.add_parser(name)
        command.add_argument("reference")
        command.add_argument("--actor", required=True)
        command.add_argument("--reason", required=name == "reject")
    args = parser.parse_args(argv)
    if args.command == "list":
        for row in applications.pending():
            print(" | ".join(row))
        return 0
    decision = applications.Decision.APPROVED if args.command == "approve" else applications.Decision.REJECTED
    if not applications.decide(args.reference, decision, args.actor, args.reason):
        print(f"{args.reference}: not waiting for a decision", file=sys.stderr)
        return 1
    print(f"{args.reference}: {decision.value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
