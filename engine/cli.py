"""The `sounding` command: a thin click layer; each command lives in engine/commands/."""

from __future__ import annotations

import click
from sounding.engine.commands.collect import collect
from sounding.engine.commands.common import SoundingGroup, version
from sounding.engine.commands.diff import diff
from sounding.engine.commands.evaluate import evaluate
from sounding.engine.commands.export import export
from sounding.engine.commands.query import query
from sounding.engine.commands.rules_cmd import rules
from sounding.engine.commands.tables import tables
from sounding.engine.commands.trend import trend
from sounding.engine.commands.verify import verify


@click.group(cls=SoundingGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(version(), "--version", prog_name="sounding")
def cli() -> None:
    """Audit the security posture of an AWS organization as code.

    Collect once with `sounding collect`, then evaluate, diff and query the snapshot
    offline: the same snapshot and rules always give the same report.

    \b
    Example:
      sounding evaluate snapshots/example
    """


# Every command, in the order `sounding --help` lists them. Add a command: one import, one line here.
for command in (collect, verify, evaluate, export, diff, trend, query, rules, tables):
    cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sounding")


if __name__ == "__main__":
    main()
