"""`network up` says a node or chaincode server that exited without `down` had exited before it starts it again,
and `chaincode deploy` of a definition already committed leaves running servers on the code they started with.
Their --help says both, so an operator reading it before a restart or after pulling changed code knows what the
command will do and what runs changed code (`chaincode restart`), not only the output once it ran."""
from click.testing import CliRunner

from cli.main import main


def help_of(*command: str) -> str:
    return " ".join(CliRunner().invoke(main, [*command, "--help"], terminal_width=400).output.split())


def test_network_up_help_says_an_exited_process_is_named_before_it_starts_again():
    said = help_of("network", "up")
    assert "exited without `down`" in said
    assert "before it is started again" in said


def test_chaincode_deploy_help_says_changed_code_needs_a_restart_or_a_new_version():
    said = help_of("chaincode", "deploy")
    assert "go on with the code they started with" in said
    assert "`recfin chaincode restart` runs the changed code" in said
