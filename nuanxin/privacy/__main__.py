"""`python -m nuanxin.privacy purge` (`make purge`): what a scheduler runs daily — personal data past its retention
period removed (nuanxin.privacy.retention); prints what was removed. Safe to run twice or at the same time.
`python -m nuanxin.privacy erase CHANNEL SENDER_ID`: a deletion staff carry out for a rider who asked by phone."""
from __future__ import annotations

import argparse
import getpass
from dataclasses import asdict

from nuanxin.privacy import erasure, retention


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("purge")
    erase = commands.add_parser("erase")
    erase.add_argument("channel")
    erase.add_argument("sender_id")
    args = parser.parse_args()
    if args.command == "purge":
        done = retention.purge()
        print(" ".join(f"{name}={count}" for name, count in asdict(done).items()))
    else:
        print(erasure.erase(args.channel, args.sender_id, actor=f"cli:{getpass.getuser()}"))


if __name__ == "__main__":
    main()
