"""`recfin org ...`: what one organisation needs to run its own node on its own host."""
from __future__ import annotations

from pathlib import Path

import click

from network import bundle, compose
from network.topology import load as load_topology

from .network_commands import topology_option
from .output import emit, reports_errors


@click.group()
def org() -> None:
    """Per-organisation material for running each org on its own host."""


@org.command("bundle")
@topology_option
@click.argument("org_name", metavar="ORG")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write (default: <hosts data folder>/bundles/<org>). An earlier bundle there is replaced.")
@click.option("--data-root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Data folder prepared with `recfin network prepare --hostnames` (default: $RECFIN_HOSTS_DATA, "
                   "else .recfin/hosts next to the native data folder).")
@click.option("--install-root", type=click.Path(path_type=Path), default=bundle.DEFAULT_INSTALL_ROOT,
              show_default=True, help="Where the org will unpack the bundle on its host (paths in the profile).")
@click.option("--json", "as_json", is_flag=True, help="Print the bundle's summary as JSON.")
@reports_errors
def bundle_command(topology_path, org_name, out, data_root, install_root, as_json):
    """Write ORG's bundle: its own MSP and TLS material, the others' certificates, its peer and
    chaincode-server compose file, endpoints, connection profile and a README.

    ORG is an org name or MSP ID (supplier, BankMSP, ...).
    """
    topo = load_topology(topology_path).on_hosts()
    name = topo.org(org_name).name
    data_root = data_root or compose.hosts_data_root(topo)
    result = bundle.write(topo, data_root, name, out or bundle.default_out(data_root, name), install_root)
    summary = {"org": result.org, "msp_id": result.msp_id, "folder": result.root, "files": len(result.files),
               "install_root": result.install_root, "missing": ", ".join(result.missing) or None}
    emit(summary, as_json=as_json, columns=list(summary))
    for item in result.missing:
        click.echo(f"warning: not in the bundle yet: {item}", err=True)
