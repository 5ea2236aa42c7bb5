"""A RECFIN_* variable exported under a misspelt name (RECFIN_TOPOLGY, RECFIN_TIMOUT, recfin_home) changed
nothing, and nothing said so: the command ran with the default the real variable would have changed. Each command
now warns on stderr, naming the variable set and the one meant, and runs as before. Only a slip is warned of (the
case, or one letter left out, added, changed or swapped with the next): a name further from every one recfin
reads (RECFIN_TIME, RECFIN_TOPOLOGIES, RECFIN_FABRIC) was warned of on every command too, where it may be a
variable of the user's own scripts and the warning noise. A name that begins with a variable recfin reads (as a
PIN variable `hsm --pin-env` names may, or RECFIN_HOME_BACKUP) is left alone, and so is one RECFIN_OWN_VARIABLES
lists."""
from __future__ import annotations

import pytest

from cli.environment import VARIABLES_READ
from cli.main import main
from tests.unit.test_documented_environment import READ

# a command that runs without a network: it answers from the topology alone
COMMAND = ["network", "netns", "status"]


def test_the_variables_recfin_knows_are_the_ones_the_project_reads():
    read = {name for name in READ if name.startswith("RECFIN_")}
    assert VARIABLES_READ == read, ("cli/environment.py's VARIABLES_READ must list every RECFIN_ variable the code "
                                    f"and the scripts read: add {sorted(read - VARIABLES_READ)}, drop "
                                    f"{sorted(VARIABLES_READ - read)}")


def _run(runner, **environment):
    return runner.invoke(main, COMMAND, env=environment)


@pytest.mark.parametrize(("set_as", "meant"), [("RECFIN_TOPOLGY", "RECFIN_TOPOLOGY"),
                                               ("RECFIN_TIMOUT", "RECFIN_TIMEOUT"),
                                               ("recfin_timeout", "RECFIN_TIMEOUT"),
                                               ("RECFIN_NETNS_PREFX", "RECFIN_NETNS_PREFIX"),
                                               ("RECFIN_TOPOLOYG", "RECFIN_TOPOLOGY"),
                                               ("RECFIN_MSPID", "RECFIN_MSP_ID"),
                                               ("RECFIN_SOUCRE", "RECFIN_SOURCE")])
def test_a_misspelt_variable_is_named_with_the_one_meant(runner, set_as, meant):
    quiet = _run(runner)
    result = _run(runner, **{set_as: "x"})

    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings == [f"warning: {set_as} is set, but recfin reads no variable of that name: did you mean "
                        f"{meant}? It changes nothing as it is ({meant} is not set): rename it, or unset it (a variable of your "
                        "own: list it in RECFIN_OWN_VARIABLES)"], \
        result.stderr
    # the command runs as it did without the variable: the warning is all that is added, and on stderr
    assert (result.exit_code, result.stdout) == (quiet.exit_code, quiet.stdout), result.output


def test_the_warning_says_when_the_variable_meant_is_set_too(runner):
    result = _run(runner, RECFIN_TIMOUT="5", RECFIN_TIMEOUT="7")
    assert "warning: RECFIN_TIMOUT is set" in result.stderr, result.stderr
    assert "(RECFIN_TIMEOUT is set too, and counts)" in result.stderr, result.stderr


@pytest.mark.parametrize("name", ["RECFIN_HSM_PIN_BANK", "RECFIN_BANK_PIN", "RECFIN_PROFLE", "RECFIN_HOME",
                                  "RECFINX_HOME", "RECFIN_HOME_BACKUP", "RECFIN_TIMEOUTS", "recfin_home_backup",
                                  "RECFIN_TIME", "RECFIN_TOPOLOGIES", "RECFIN_FABRIC", "RECFIN_HOST"])
def test_a_name_that_is_no_misspelling_is_left_alone(runner, name):
    result = _run(runner, **{name: "x"})
    assert "warning: " not in result.stderr, result.stderr


@pytest.mark.parametrize("listed", ["RECFIN_SOUCRE", "RECFIN_X, RECFIN_SOUCRE", " RECFIN_X RECFIN_SOUCRE "])
def test_a_name_listed_in_recfin_own_variables_is_left_alone(runner, listed):
    result = _run(runner, RECFIN_SOUCRE="x", RECFIN_TIMOUT="5", RECFIN_OWN_VARIABLES=listed)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert [line.split()[1] for line in warnings] == ["RECFIN_TIMOUT"], result.stderr
