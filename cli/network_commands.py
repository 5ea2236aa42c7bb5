"""`recfin network ...`: bring the Fabric network up and down, and look at it."""
from __future__ import annotations

from pathlib import Path

import click

from network import Network
from network.errors import NetworkError

from .output import emit, progress, reports_errors

STATUS_COLUMNS = ("name", "org", "kind", "address", "pid", "healthy", "height")


def topology_option(fn):
    return click.option("--topology", "topology_path", type=click.Path(dir_okay=False, path_type=Path),
                        envvar="RECFIN_TOPOLOGY", default=None,
                        help="Topology file (default: network/topology.yaml; env RECFIN_TOPOLOGY).")(fn)


def open_network(topology_path: Path | None, as_json: bool = False, timeout: float = 60.0) -> Network:
    return Network.load(topology_path, say=progress(as_json), timeout=timeout)


@click.group()
def network() -> None:
    """Run the Fabric network as native processes.

    Three Raft orderers and one peer per org (CoreEnterprise, Supplier, Bank, Regulator) on 127.0.0.1.
    """


@network.command()
@topology_option
@click.option("--timeout", default=60.0, show_default=True, help="Seconds to wait for each node or signal.")
@click.option("--json", "as_json", is_flag=True, help="Print the final status as JSON.")
@reports_errors
def up(topology_path, timeout, as_json):
    """Start the network and join the channel (idempotent).

    Nodes already running and healthy are left alone; one line per step, then a status table.
    """
    net = open_network(topology_path, as_json, timeout)
    statuses = net.up()
    healthy = sum(s.healthy for s in statuses if s.kind != "chaincode")
    nodes = sum(1 for s in statuses if s.kind != "chaincode")
    progress(as_json)(f"network up: {healthy}/{nodes} nodes healthy on channel {net.topology.channel}; "
                      f"data in {net.data_root}")
    emit(statuses, as_json=as_json, columns=STATUS_COLUMNS)


@network.command()
@topology_option
@click.option("--purge", is_flag=True, help="Also delete all state: crypto, ledgers, logs, profiles.")
@reports_errors
def down(topology_path, purge):
    """Stop every process; ledgers stay unless --purge.

    Chaincode servers, then peers, then orderers: SIGTERM, and SIGKILL after a grace period.
    """
    net = open_network(topology_path)
    stopped = net.down(purge=purge)
    click.echo(f"network down: {len(stopped)} process(es) stopped" + ("; all state removed" if purge else
                                                                   f"; ledgers kept in {net.data_root}"))


@network.command()
@topology_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@reports_errors
def status(topology_path, as_json):
    """Each node's org, kind, pid, health and block height."""
    emit(open_network(topology_path).status(), as_json=as_json, columns=STATUS_COLUMNS)


@network.command()
@topology_option
@click.argument("node")
@click.option("-n", "--lines", default=50, show_default=True, help="How many of the last lines to show.")
@click.option("-f", "--follow", is_flag=True, help="Keep printing lines as they are written (Ctrl-C stops).")
@reports_errors
def logs(topology_path, node, lines, follow):
    """Show a node's or chaincode server's log.

    NODE is e.g. peer0.supplier, orderer0.orderer, or a chaincode server such as receivables.bank.
    """
    net = open_network(topology_path)
    path = net.log_path(node)
    if not path.is_file():
        raise NetworkError(f"no log yet for {node} (expected {path}): run `recfin network up`")
    if follow:
        try:
            for line in net.follow(node, lines):
                click.echo(line)
        except KeyboardInterrupt:
            pass
        return
    for line in net.logs(node, lines):
        click.echo(line)
