"""`recfin`: the top-level command group."""
from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version

import click

from .bench_commands import bench
from .chaincode_commands import chaincode
from .demo_commands import demo
from .finance_commands import finance
from .host_commands import host
from .hsm_commands import hsm
from .invoice_commands import invoice
from .network_commands import network
from .org_commands import org
from .receivable_commands import discount, party, receivable, request
from .regulator_commands import regulator
from .risk_commands import risk
from .event_commands import events


def _version() -> str:
    try:
        return version("recfin")
    except PackageNotFoundError:
        return "unknown"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), "--version", prog_name="recfin")
def main() -> None:
    """recfin: a receivables-financing network on Hyperledger Fabric.

    \b
    Example:
      recfin network up && recfin chaincode deploy
      recfin demo
      recfin receivable get R-0123456789abcdef --as regulator --json
    """
    # An argument that is not UTF-8 (a file name in another encoding) reaches Python as lone surrogates; printed
    # back, it gives the user's own bytes instead of failing, as Python itself prints under the C locale.
    if getattr(sys.stdout, "errors", None) == "strict" and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="surrogateescape")


main.add_command(network)
main.add_command(chaincode)
main.add_command(org)
main.add_command(host)
main.add_command(invoice)
main.add_command(risk)
main.add_command(finance)
for group in (party, receivable, discount, request, demo):
    main.add_command(group)
main.add_command(regulator)
main.add_command(events)
main.add_command(bench)
main.add_command(hsm)

if __name__ == "__main__":   # ``python -m cli.main``: run, rather than define the commands and exit 0 silently
    main(prog_name="recfin")
