"""Certificates that end are seen on a running network, not only when `up` or `prepare` runs: `network
status` names any CA, node or admin certificate of the data folder ending within 90 days or ended, `org user
list` shows when each user's certificate ends, and `org user add` says when the certificate it issues ends
with its CA's, sooner than the usual ten years (the generator's notice of a CA ending soon went nowhere in
that path)."""
import json

from click.testing import CliRunner

from cli.main import main
from network.control import Network
from network.crypto import load_cert, org_crypto
from network.org_users import CaFolder, add_user, list_users

from .channel_fixtures import ca_ending_in, certificate_ending_in

CODE = "91310000MA1K00002C"      # the supplier's enterprise, as the default topology gives it


def _soon_and_ended(topology, data_root):
    """bank's peer's TLS certificate ending in 10 days; the orderer org admin's signing certificate ended."""
    bank = org_crypto(data_root, "bank", topology.org("bank").domain)
    peer = topology.peers("bank")[0]
    tls = bank.node_dir(peer.hostname) / "tls" / "server.crt"
    certificate_ending_in(tls, bank.tlsca_key, 10)
    oo = topology.orderer_org
    orderers = org_crypto(data_root, oo.name, oo.domain)
    admin = orderers.user_msp(oo.admin) / "signcerts" / "cert.pem"
    certificate_ending_in(admin, orderers.ca_key, -2)
    return peer, tls, admin


def test_status_gives_each_row_the_certificates_it_relies_on_that_end_soon_or_have_ended(topology, data_root,
                                                                                        fake_fabric):
    peer, tls, admin = _soon_and_ended(topology, data_root)
    rows = {row.name: row for row in Network(topology, data_root=data_root, timeout=5).status()}
    [soon] = rows[peer.name].certificates_ending
    assert (soon.file, soon.ended, soon.days_left) == (tls, False, 9)
    assert soon.ends == load_cert(tls).not_valid_after_utc.isoformat()
    for orderer in topology.orderers():       # the org's admin: on each of its org's rows
        [ended] = rows[orderer.name].certificates_ending
        assert (ended.file, ended.ended) == (admin, True)
    assert not [row.name for row in rows.values() if row.certificates_ending
                and row.name not in {peer.name, *(o.name for o in topology.orderers())}]


def test_status_command_names_them_on_stderr_and_in_json(topology, data_root, fake_fabric, monkeypatch):
    peer, tls, admin = _soon_and_ended(topology, data_root)
    monkeypatch.setattr("cli.network_commands.open_network",
                        lambda *args, **kwargs: Network(topology, data_root=data_root, timeout=5))
    result = CliRunner().invoke(main, ["network", "status", "--json"])
    assert result.exit_code == 1, result.output          # no node runs: the certificates do not change that
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    ends = load_cert(tls).not_valid_after_utc.isoformat()
    assert rows[peer.name]["certificates_ending"] == [
        {"file": str(tls), "ends": ends, "days_left": 9, "ended": False}]
    ended = load_cert(admin).not_valid_after_utc
    lines = result.stderr.splitlines()
    start = lines.index(next(line for line in lines if "certificate(s) of the data folder" in line))
    assert lines[start:start + 3] == [
        "2 certificate(s) of the data folder end within 90 days or have ended (renew each before it ends: "
        'docs/network.md, "Certificates that end"):',
        f"  {admin} ended on {ended:%Y-%m-%d}",
        f"  {tls} ends on {load_cert(tls).not_valid_after_utc:%Y-%m-%d} (9 days from now)"]


def test_status_names_no_certificate_far_from_its_end(topology, data_root, fake_fabric):
    rows = Network(topology, data_root=data_root, timeout=5).status()
    assert rows and not any(row.certificates_ending for row in rows)


def test_user_list_shows_when_each_users_certificate_ends(topology, data_root):
    org = topology.org("supplier")
    paths = org_crypto(data_root, org.name, org.domain)
    user = org.users[0].name
    ends = certificate_ending_in(paths.user_msp(user) / "signcerts" / "cert.pem", paths.ca_key, 30)
    rows = {row["user"]: row for row in list_users(data_root, org)}
    assert rows[user]["ends"] == ends.isoformat()
    admin_cert = load_cert(paths.user_msp(org.admin) / "signcerts" / "cert.pem")
    assert rows[org.admin]["ends"] == admin_cert.not_valid_after_utc.isoformat()


def test_user_add_says_its_certificate_ends_with_a_ca_ending_sooner(topology, data_root):
    org = topology.org("supplier")
    paths = org_crypto(data_root, org.name, org.domain)
    ca_ending_in(paths, 400)
    said = []
    add_user(CaFolder(data_root, org), "supplier9", {"recfin.enterprise": CODE}, say=said.append)
    ca_ends = load_cert(paths.ca_cert).not_valid_after_utc
    assert load_cert(paths.user_msp("supplier9") / "signcerts" / "cert.pem").not_valid_after_utc == ca_ends
    [line] = said
    assert line.startswith(f"  supplier9's certificate ends on {ca_ends:%Y-%m-%d}, with its CA's certificate "
                           f"{paths.ca_cert}, "), line
    assert "give the person a new user under another name" in line, line


def test_user_add_passes_on_the_notice_of_a_ca_ending_within_90_days(topology, data_root):
    org = topology.org("supplier")
    paths = org_crypto(data_root, org.name, org.domain)
    ca_ending_in(paths, 20)
    said = []
    add_user(CaFolder(data_root, org), "supplier9", {"recfin.enterprise": CODE}, say=said.append)
    assert [line for line in said if line.startswith(f"  {paths.ca_cert} ends on ")], said
    assert [line for line in said if "supplier9's certificate ends on" in line], said


def test_user_add_says_nothing_of_a_ca_far_from_its_end(topology, data_root):
    org = topology.org("supplier")
    said = []
    add_user(CaFolder(data_root, org), "supplier9", {"recfin.enterprise": CODE}, say=said.append)
    assert said == []


def test_user_commands_show_the_end_and_say_the_shortened_one(topology, data_root, fake_fabric):
    org = topology.org("supplier")
    paths = org_crypto(data_root, org.name, org.domain)
    ca_ending_in(paths, 400)
    ca_ends = load_cert(paths.ca_cert).not_valid_after_utc
    added = CliRunner().invoke(main, ["org", "user", "add", "supplier", "supplier9", "--attr",
                                      f"recfin.enterprise={CODE}", "--data-root", str(data_root), "--json"])
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["user"] == "supplier9"
    assert f"supplier9's certificate ends on {ca_ends:%Y-%m-%d}, with its CA's certificate" in added.stderr
    listed = CliRunner().invoke(main, ["org", "user", "list", "supplier", "--data-root", str(data_root)])
    assert listed.exit_code == 0, listed.output
    header, *rows = listed.stdout.splitlines()
    assert header.split() == ["USER", "ROLE", "RECFIN_ROLE", "ENTERPRISE", "SERIAL", "ENDS", "REVOKED", "CLIENT_ID"]
    [row] = [row for row in rows if row.startswith("supplier9 ")]
    assert ca_ends.isoformat() in row.split(), row


def test_status_names_a_chaincode_servers_tls_certificates_on_its_rows(topology, data_root, fake_fabric):
    """A peer dials its org's chaincode server over mutual TLS for every transaction: once the server's certificate,
    or the client certificate the peer presents to it, has ended, the handshake fails and the org endorses nothing,
    while no certificate `status` looked at was said to end."""
    from network import ccservers
    ccservers.save_deployment(data_root, ccservers.Deployment(
        "receivables", "1.0", 1, topology.chaincode.contract, None, None, 0,
        {org.msp_id: f"receivables_1.0:{org.name}" for org in topology.orgs}))
    bank = topology.org("bank")
    paths = org_crypto(data_root, bank.name, bank.domain)
    server = ccservers.server_tls_dir(topology, data_root, bank) / "server.crt"
    client = ccservers.client_tls_dir(topology, data_root, bank) / "client.crt"
    certificate_ending_in(server, paths.tlsca_key, 10)
    certificate_ending_in(client, paths.tlsca_key, -1)
    rows = {row.name: row for row in Network(topology, data_root=data_root, timeout=5).status()}
    named = {end.file: end.ended for end in rows[ccservers.server_name("receivables", "bank")].certificates_ending}
    assert named == {server: False, client: True}
    assert not [row.name for row in rows.values() if row.certificates_ending
                and row.name != ccservers.server_name("receivables", "bank")]
