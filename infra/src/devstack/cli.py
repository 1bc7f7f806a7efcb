"""``devstack run``: start the whole platform on embedded defaults and wait for Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from pathlib import Path

from devstack.broker import kafka_version
from devstack.demo import seed
from devstack.stack import ROOT, Stack, StackConfig
from servicekit.logging import configure


async def run(config: StackConfig) -> None:
    stack = Stack(config)
    print(f"Starting the platform (logs in {stack.log_dir}) …", flush=True)
    await stack.start()
    try:
        created = await seed(stack.capacity_url, stack.config.internal_token)
        kept = (
            f"{created} sample events created."
            if created
            else f"Data kept from the last run in {stack.config.data_dir} (make reset wipes it)."
        )
        print(
            f"""
Quartier-Anmeldeplattform läuft / the platform is up (ready in {stack.ready_seconds["total"]:.1f} s)

  Website (public site)        {stack.gateway_url}/
  Organiser desk               {stack.gateway_url}/verwaltung  (first account: make admin)
  Organiser API (capacity)     {stack.capacity_url}/docs
  Registration API             {stack.registration_url}/docs
  Mails (SMTP sink, .eml)      {stack.mail_dir}
  Kafka bootstrap              {stack.bootstrap}  (Apache Kafka {kafka_version()})
  Logs                         {stack.log_dir}

{kept} Stop with Ctrl-C.
""",
            flush=True,
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        print("Stopping …", flush=True)
    finally:
        await stack.stop()
        print("Stopped.", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="devstack", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run_cmd = sub.add_parser("run", help="start everything, stop with Ctrl-C")
    run_cmd.add_argument("--data-dir", type=Path, default=ROOT / ".data")
    run_cmd.add_argument("--capacity-workers", type=int, default=2)
    args = parser.parse_args()
    configure("devstack", json=False)
    logging.getLogger("yoyo").setLevel(logging.WARNING)
    config = StackConfig(
        data_dir=args.data_dir.resolve(),
        database_url=os.environ.get(
            "DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        capacity_workers=args.capacity_workers,
        log_json=True,
    )
    asyncio.run(run(config))


if __name__ == "__main__":
    main()
