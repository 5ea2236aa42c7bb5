"""`recfin network ...`: bring the Fabric network up and down, and look at it."""
from __future__ import annotations

from pathlib import Path

import click

from network import Network, compose
from network.errors import NetworkError
from network.topology import load as load_topology

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
    """Run the Fabric network as native processes, or prepare it for docker compose.

    Three Raft orderers and one peer per org (CoreEnterprise, Supplier, Bank, Regulator) on 127.0.0.1;
    `prepare --hostnames` and `compose` give the same topology addressed by hostname.
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


@network.command()
@topology_option
@click.option("--hostnames", is_flag=True,
              help="Address nodes by hostname, for docker compose or one host per org (data in $RECFIN_HOSTS_DATA, "
                   "default .recfin/hosts next to the native data folder).")
@click.option("--data-root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write here instead of the default data folder.")
@reports_errors
def prepare(topology_path, hostnames, data_root):
    """Generate crypto material, configtx.yaml and the genesis block; start nothing.

    Without --hostnames: for the native runtime (also the per-node config), as `up` would.
    With --hostnames: what docker-compose.yaml and `recfin org bundle` mount, plus each
    org's ccaas package naming its chaincode server's hostname.
    """
    topo = load_topology(topology_path)
    if hostnames:
        topo = topo.on_hosts()
        data_root = data_root or compose.hosts_data_root(topo)
    net = Network(topo, data_root=data_root, say=click.echo)
    if hostnames:
        for msp_id, pkg in compose.write_packages(topo, net.data_root).items():
            click.echo(f"chaincode package {msp_id}: {pkg.package_id} -> {pkg.path}")
    block = net.prepare(node_config=not hostnames)
    click.echo(f"prepared {net.data_root} (channel block {block})")


@network.command("compose")
@topology_option
@click.option("--write", "write_file", is_flag=True,
              help=f"Write {compose.COMPOSE_FILE.name} at the top of the repository instead of printing it.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With --write: write this file instead.")
@reports_errors
def compose_command(topology_path, write_file, output):
    """The same network on the official Fabric images, as a docker-compose.yaml.

    Generated from the topology; run `recfin network prepare --hostnames` first, then
    `docker compose up -d` (docs/network.md, "Running on separate hosts").
    """
    topo = load_topology(topology_path)
    if not write_file:
        click.echo(compose.render(compose.build(topo)), nl=False)
        return
    path = compose.write(topo, output or compose.COMPOSE_FILE)
    click.echo(f"wrote {path}")
