"""Staff side of training until the console exists: the functions it will call.

    python -m nuanxin.training list                               upcoming runs with seats left
    python -m nuanxin.training add JJ-301 "2026-12-20 09:30" --location 青禾区职工服务中心 --capacity 25
    python -m nuanxin.training roster JJ-301-A-20261206           places in arrival order, masked
    python -m nuanxin.training tick                               expire unanswered offers, send reminders
                                                                  (a scheduler runs this every few minutes)
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime

from nuanxin.training import catalogue, enrollment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nuanxin.training", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list")
    add = commands.add_parser("add")
    add.add_argument("course")
    add.add_argument("starts", help="China time, YYYY-MM-DD HH:MM")
    add.add_argument("--location", required=True)
    add.add_argument("--capacity", type=int, required=True)
    add.add_argument("--minutes", type=int, default=120)
    roster = commands.add_parser("roster")
    roster.add_argument("run")
    commands.add_parser("tick")
    args = parser.parse_args(argv)
    if args.command == "list":
        for run in catalogue.listing(limit=1000).runs:
            print(f"{run.id} | {run.title} | {run.when} | {run.location} | {run.seats_left}/{run.capacity}")
    elif args.command == "add":
        try:
            print(catalogue.add_run(args.course, datetime.fromisoformat(args.starts), args.location, args.capacity,
                                    args.minutes))
        except ValueError as error:
            print(error, file=sys.stderr)
            return 1
    elif args.command == "roster":
        for row in enrollment.roster(args.run):
            print(" | ".join(str(v) for v in row))
    else:
        expired, reminded = enrollment.tick()
        print(f"offers expired: {expired}; reminders sent: {reminded}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
