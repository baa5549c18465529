"""Staff side of city-sentinel reports until the console exists: the same core functions it will call.

    python -m nuanxin.report list [--status pending]      open reports, masked
    python -m nuanxin.report history SB-20261128-0001
    python -m nuanxin.report verify SB-20261128-0001 --actor 王芳 [--note 已转交]
    python -m nuanxin.report status SB-20261128-0001 in_progress|resolved|rejected --actor 王芳 --note ...
    python -m nuanxin.report merge SB-20261128-0002 SB-20261128-0001 --actor 王芳
    python -m nuanxin.report use-code ABCD2345 --counter 暖蜂小筑青禾店
"""
from __future__ import annotations

import argparse
import sys

from nuanxin.points import rewards
from nuanxin.report import filing, workflow
from nuanxin.report.states import ReportState


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nuanxin.report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list")
    listing.add_argument("--status", default=None, choices=[s.value for s in ReportState])
    commands.add_parser("history").add_argument("ticket")
    for name in ("verify", "status", "merge"):
        command = commands.add_parser(name)
        command.add_argument("ticket")
        if name == "status":
            command.add_argument("state", choices=[s.value for s in ReportState])
        if name == "merge":
            command.add_argument("original")
        command.add_argument("--actor", required=True)
        command.add_argument("--note", default=None)
    code = commands.add_parser("use-code")
    code.add_argument("code")
    code.add_argument("--counter", required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            for row in filing.staff_list(args.status):
                print(" | ".join(str(v) for v in row))
        elif args.command == "history":
            for state, note, actor in workflow.history(args.ticket):
                print(f"{state} | {note or ''} | {actor}")
        elif args.command == "verify":
            print(workflow.verify(args.ticket, args.actor, args.note))
        elif args.command == "status":
            print(workflow.change_status(args.ticket, ReportState(args.state), args.note, args.actor))
        elif args.command == "merge":
            print(workflow.merge(args.ticket, args.original, args.actor, args.note))
        elif args.command == "use-code":
            used = rewards.use_code(args.code, args.counter)
            print(used if used else "unknown or already used")
            return 0 if used else 1
    except workflow.NotAllowed as refused:
        print(f"not allowed: {refused}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
