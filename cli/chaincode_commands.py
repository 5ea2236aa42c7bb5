"""`recfin chaincode ...`: deploy (or upgrade) chaincode as a service, restart its servers, show its configuration."""
from __future__ import annotations

from pathlib import Path

import click

from network import contract_config
from network.lifecycle import Lifecycle

from .network_commands import open_network, topology_option
from .output import emit, reports_errors

CONFIG_FIELDS = ("chaincode", "sha256", "version", "endorsement_policy", "config_file", "deployed_version", "deployed",
                 "committed_version", "committed_sequence", "committed")


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
              help="Private data collections JSON for the definition (default for the topology's chaincode: "
                   "derived from the orgs' roles, or the file the topology names).")
@click.option("--signature-policy", default=None, metavar="POLICY",
              help="Endorsement policy, e.g. \"AND('BankMSP.peer','SupplierMSP.peer')\" "
                   "(default: the topology's: any 2 of the channel's orgs).")
@click.option("--channel-policy", is_flag=True,
              help="Use the channel's Endorsement policy (MAJORITY of orgs) instead of a signature policy.")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds to wait for each server.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@reports_errors
def deploy(topology_path, name, contract, version_, collections_config, signature_policy, channel_policy,
           timeout, as_json):
    """Deploy or upgrade chaincode as a service.

    Packages it, starts one server per org, installs on every peer, approves as each org,
    checks commit readiness and commits. A changed definition bumps the sequence. The
    topology's chaincode runs with the contract configuration derived from the channel's
    orgs and the topology's `contract:` settings; its digest is part of the version
    (see `recfin chaincode config`), so changing a setting and deploying is an upgrade.

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


@chaincode.command("config")
@topology_option
@click.option("--committed", is_flag=True,
              help="Also ask the channel (as the first org's admin) which definition is committed and who approved it.")
@click.option("--json", "as_json", is_flag=True, help="Print the configuration and its state as JSON.")
@reports_errors
def config_command(topology_path, committed, as_json):
    """The receivables contract's configuration, derived from the channel's orgs and the topology.

    Org roles (each org's `role:`) and the topology's `contract:` settings make the file every
    org's chaincode server runs with. Shows its sha256, the definition version naming it
    (<version>+cfg.<digest>), and whether the deployed (and, with --committed, the committed)
    definition has it: if not, `recfin chaincode deploy` applies it as a new sequence.

    \b
    Example:
      recfin chaincode config
      recfin chaincode config --committed --json
    """
    net = open_network(topology_path, as_json)
    topo = net.topology
    definition = None
    if committed:
        net.fabric.require(("peer",))
        definition = Lifecycle(net.tools, topo, net.data_root).committed(topo.orgs[0].name, topo.chaincode.name) or {}
    report = contract_config.report(topo, net.data_root, definition)
    if as_json:
        emit(report, as_json=True)
        return
    emit(report, as_json=False, columns=[c for c in CONFIG_FIELDS if c in report])
    config = report["config"]
    click.echo("org roles: " + ", ".join(f"{msp}={'+'.join(roles)}" for msp, roles in config.pop("org_roles").items()))
    settings = {k: (", ".join(v) or None) if isinstance(v, list) else v for k, v in config.items()}
    emit(settings, as_json=False, columns=sorted(settings))
    for msp, approved in sorted(report.get("approvals", {}).items()):
        click.echo(f"approved by {msp}: {'yes' if approved else 'no'}")
