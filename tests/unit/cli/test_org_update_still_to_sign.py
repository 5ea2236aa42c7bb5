"""An update file still short of signatures ended with "still to sign (`recfin org sign FILE --as ORG`)", the
command of a host holding several orgs' admin keys: a company's admin, who signs on its own host from its bundle as
the deployment guide says (`recfin org sign FILE --bundle /var/recfin`), found no such folder of keys there. The line
names both ways."""
from __future__ import annotations

from cli.org_commands import org


def test_the_line_names_the_bundle_way_and_the_as_way(runner, network_home, tmp_path):
    _root, block = network_home
    out = tmp_path / "bank2.tx"
    result = runner.invoke(org, ["add", "bank2", "--role", "bank", "--enterprise", "91110000MA1K00007E",
                                 "--update-out", str(out), "--config-block", str(block), "--sign-as", "bank"])
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("still to sign")]
    assert line == (f"still to sign (each org's admin: `recfin org sign {out} --bundle DIR` on its own host, or "
                    f"`--as ORG` where its keys are): CoreEnterpriseMSP, RegulatorMSP, SupplierMSP"), line


def test_the_file_is_named_as_a_shell_takes_it(runner, network_home, tmp_path):
    _root, block = network_home
    out = tmp_path / "updates of\nbank2" / "bank2 add.tx"
    out.parent.mkdir()
    result = runner.invoke(org, ["add", "bank2", "--role", "bank", "--enterprise", "91110000MA1K00007E",
                                 "--update-out", str(out), "--config-block", str(block), "--sign-as", "bank"])
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("still to sign")]
    assert f"`recfin org sign $'{tmp_path}/updates of\\nbank2/bank2 add.tx' --bundle DIR`" in line, line
