"""`recfin org user revoke --keys`: the keys folder's org definition, what the company sends to be added
back to the channel, carries every CRL its msp/crls/ gets, also when the channel already revokes the user."""
from __future__ import annotations

import shutil

from cli.org_commands import org
from network import org_keys
from network.crypto import org_crypto
from network.topology import load
from tests.unit.cli_errors import terminated_here
from tests.unit.network.scripted_channel import ScriptedChannel

from .test_org_user_commands import channel_revoking


def _keys_folder_of_a_revoked_user(root, tmp_path):
    """A company's keys folder of the supplier org with its definition, and the channel revoking supplier2
    (the revocation made on another host): the folder never got that CRL."""
    topology, supplier = load(), load().org("supplier")
    keys = tmp_path / "supplier-keys"
    shutil.copytree(org_crypto(root, "supplier", supplier.domain).root,
                    org_crypto(keys, "supplier", supplier.domain).root)
    definition_path = org_keys.definition_path(keys, "supplier")
    org_keys.org_definition_file.write(org_keys.org_definition_file.from_crypto(topology.on_hosts(), keys,
                                                                                "supplier"), definition_path)
    current, revoked = channel_revoking(root, "supplier2")
    return keys, definition_path, current, revoked


def _revoked_keeping_binding(runner, keys, monkeypatch, with_kept_crls):
    """`org user revoke supplier supplier2 --keys KEYS --keep-binding` with org_keys.with_kept_crls replaced: its
    exit code, the last line it said on stderr, and the `org user list --sync` that command names."""
    with monkeypatch.context() as writing:
        writing.setattr(org_keys, "with_kept_crls", with_kept_crls)
        result = runner.invoke(org, ["user", "revoke", "supplier", "supplier2", "--keys", str(keys), "--keep-binding"])
    return (result.exit_code, result.stderr.strip().splitlines()[-1],
            f"recfin org user list supplier --sync --keys {keys}")


def test_a_keep_binding_revoke_the_channel_has_writes_the_keys_definition_too(
        runner, network_home, scripted_peer_cli, tmp_path):
    """The channel already revokes supplier2 (a run whose wait stopped, or another host): the revoke run
    with --keep-binding writes the channel's CRL into the keys folder's msp/crls/ and is refused as already
    revoked; the definition there must carry that CRL too, or adding the org back would lift the
    revocation."""
    root, _ = network_home
    keys, definition_path, current, revoked = _keys_folder_of_a_revoked_user(root, tmp_path)
    scripted_peer_cli(ScriptedChannel(load(), current))
    result = runner.invoke(org, ["user", "revoke", "supplier", "supplier2", "--keys", str(keys),
                                 "--keep-binding"])
    assert result.exit_code == 1 and "already revoked" in result.output, result.output
    kept = org_crypto(keys, "supplier", load().org("supplier").domain).msp_dir / "crls" / "crl.pem"
    assert kept.read_bytes() == revoked.crl_pem             # the keys folder's MSP has the channel's CRL
    assert org_keys.org_definition_file.read(definition_path).crls == (revoked.crl_pem,)
    assert f"{definition_path} written again" in result.output


def test_a_revoke_refused_with_nothing_to_unbind_says_it_wrote_the_keys_definition(
        runner, network_home, scripted_peer_cli, tmp_path):
    """Without --keep-binding the run asks the ledger (here it cannot: no connection profile) and ends with
    the refusal: that error is all a reader without --json sees, so it names the definition it wrote."""
    root, _ = network_home
    keys, definition_path, current, revoked = _keys_folder_of_a_revoked_user(root, tmp_path)
    scripted_peer_cli(ScriptedChannel(load(), current))
    result = runner.invoke(org, ["user", "revoke", "supplier", "supplier2", "--keys", str(keys)])
    assert result.exit_code == 1 and "already revoked" in result.output, result.output
    assert org_keys.org_definition_file.read(definition_path).crls == (revoked.crl_pem,)
    assert f"{definition_path} written again with the org's CRLs" in result.output


def test_stopped_while_it_writes_the_keys_definition_says_the_certificate_is_revoked_and_what_finishes_it(
        runner, network_home, scripted_peer_cli, tmp_path, monkeypatch):
    """SIGTERM while the definition is written again, after the channel's CRL reached the keys folder: the run
    says the certificate is revoked, that the definition may lack the revocation, and the command that writes it;
    it ended at once, saying nothing, the definition possibly still without the CRL."""
    root, _ = network_home
    keys, definition_path, current, revoked = _keys_folder_of_a_revoked_user(root, tmp_path)
    scripted_peer_cli(ScriptedChannel(load(), current))
    before = definition_path.read_bytes()
    exit_code, line, sync = _revoked_keeping_binding(runner, keys, monkeypatch, lambda *_: terminated_here())
    assert exit_code == 143, line
    assert line == (f"Error: terminated by SIGTERM (supplier2's certificate is revoked on channel receivables, but "
                    f"the run was stopped while it wrote {definition_path} again with the org's CRLs: the definition "
                    f"sent to add supplier back may lack the revocation, and nothing changed on the ledger; `{sync}` "
                    f"writes the channel's CRL here)"), line
    assert definition_path.read_bytes() == before   # not written: the stop came first

    finished = runner.invoke(org, ["user", "list", "supplier", "--sync", "--keys", str(keys)])   # the way on
    assert finished.exit_code == 0, finished.output
    assert org_keys.org_definition_file.read(definition_path).crls == (revoked.crl_pem,)


def test_the_keys_folder_locked_while_it_writes_the_definition_says_what_is_done_and_what_finishes_it(
        runner, network_home, scripted_peer_cli, tmp_path, monkeypatch):
    """Another run holds the keys folder's membership.lock past the wait when the definition is written again
    with the channel's CRL: the run says the certificate is revoked, that the definition lacks the revocation
    (the MSP folders have its CRL), and the command that writes it, not the bare lock's "run the command again"."""
    from network import membership

    root, _ = network_home
    keys, definition_path, current, revoked = _keys_folder_of_a_revoked_user(root, tmp_path)
    scripted_peer_cli(ScriptedChannel(load(), current))
    before = definition_path.read_bytes()

    def held(keys_root, org_name):
        raise membership.LockHeldError(keys_root / "membership.lock", "another recfin run (pid 4242) holds it",
                                       "let it finish or stop it")

    exit_code, line, sync = _revoked_keeping_binding(runner, keys, monkeypatch, held)
    assert exit_code == 1, line
    assert line == (f"Error: supplier2's certificate is revoked on channel receivables, but {definition_path} was not "
                    f"written again with the org's CRLs (its MSP folders have the CRL), so the definition sent to add "
                    f"the org back would lift the revocation, as another recfin run (pid 4242) holds it. Let it finish "
                    f"or stop it, then `{sync}` writes it"), line
    assert definition_path.read_bytes() == before
