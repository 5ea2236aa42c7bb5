"""`recfin receivable confirm --help` says whom the SDK asks to endorse a confirmation of a claim whose debtor
and holder are one org's parties: the orgs the claim's key names (that org and the regulator's, read with
``receivable_endorsers``) and those the chaincode's policy asks besides, every org of the channel only where
those cannot be read (``ReceivablesClient.confirm``, docs/sdk-receivables.md "Who endorses")."""

from click.testing import CliRunner

from cli.main import main


def test_the_default_endorsers_of_a_one_org_claim_are_the_orgs_its_key_names():
    result = CliRunner().invoke(main, ["receivable", "confirm", "--help"], terminal_width=400)
    shown = " ".join(result.output.split())
    default = shown[shown.index("[default: "):]
    assert "when they are one org, the orgs the claim's key names (it and the regulator's)" in default
    # every org of the channel is the fallback only, not what a one-org claim's confirmation is sent to
    assert "where those cannot be read, it and every other org of the channel" in default
