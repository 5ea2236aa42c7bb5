"""`recfin chaincode ...`: deploy (or upgrade) chaincode as a service and restart its servers."""
from __future__ import annotations

from pathlib import Path

import click

from .network_commands import open_network, topology_option
from .output import emit, reports_errors


@click.group()
def chaincode() -> None:
    """Deploy and restart chaincode as a service.

    One Python chaincode server per org, dialled by that org's peer.
    """


@chaincode.command()
@topology_option
@click.option("--name", default=None, help="Chaincode name (default: the topology's, receivables).")
@click.option("--contract", default=None, metavar="MODULE:CLASS", help="The contract class the servers run.")
@click.option("--version", "version_", default=None, help="Definition version (a new one upgrades in place).")
@click.option("--collections-config", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Private data collections JSON for the definition.")
@click.option("--signature-policy", default=None, metavar="POLICY",
              help="Endorsement policy, e.g. \"AND('BankMSP.peer','SupplierMSP.peer')\" "
                   "(default: the topology's: any 2 of the 4 orgs).")
@click.option("--channel-policy", is_flag=True,
              help="Use the channel's Endorsement policy (MAJORITY of orgs) instead of a signature policy.")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds to wait for each server.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@reports_errors
def deploy(topology_path, name, contract, version_, collections_config, signature_policy, channel_policy,
           timeout, as_json):
    """Deploy or upgrade chaincode as a service.

    Packages it, starts one server per org, installs on every peer, approves as each org,
    checks commit readiness and commits. A changed definition bumps the sequence.

    \b
    Example:
      recfin chaincode deploy
      recfin chaincode deploy --version 1.1 --json
    """
    if channel_policy and signature_policy:
        raise click.UsageError("--signature-policy and --channel-policy exclude each other")
    policy = None if channel_policy else (signature_policy or "topology")
    net = open_network(topology_path, as_json, timeout)
    result = net.deploy_chaincode(name=name, contract=contract, version=version_,
                                  collections_config=collections_config, signature_policy=policy)
    emit(result, as_json=as_json, columns=("name", "version", "sequence", "changed"))


@chaincode.command()
@topology_option
@click.option("--name", default=None, help="Only this chaincode (default: every deployed one).")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds to wait for each server.")
@reports_errors
def restart(topology_path, name, timeout):
    """Restart the chaincode servers of deployed chaincode.

    State stays on the ledger; use this when a server died or its code changed without a new version.

    \b
    Example:
      recfin chaincode restart --name receivables
    """
    net = open_network(topology_path, timeout=timeout)
    started = net.start_chaincode_servers(name, restart=True)
    click.echo(f"restarted {len(started)} chaincode server(s)" + (f": {', '.join(started)}" if started else ""))
