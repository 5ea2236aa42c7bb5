"""`risk score DEBTOR --synthetic-seed N` for a DEBTOR the simulator has not: a usage error (exit 2), as every other
debtor or option that does not fit is, naming the ids it has and, for a well-formed id past them, the size that has
it."""
from cli.risk_commands import risk

from ..cli_errors import error_line, invoke


def test_a_debtor_the_simulator_has_not_is_a_usage_error_naming_the_ids_it_has():
    r = invoke(risk, "score", "UNKNOWN", "--synthetic-seed", "3", "--synthetic-debtors", "4")
    assert r.exit_code == 2
    line = error_line(r)
    assert "DEBTOR" in line and "no synthetic debtor UNKNOWN" in line
    assert "SYN-DEBTOR-0000 .. SYN-DEBTOR-0003" in line


def test_an_id_past_the_simulators_size_names_the_size_that_simulates_it():
    r = invoke(risk, "score", "SYN-DEBTOR-0009", "--synthetic-seed", "3", "--synthetic-debtors", "4")
    assert r.exit_code == 2
    assert "--synthetic-debtors 10" in error_line(r)
    scored = invoke(risk, "score", "SYN-DEBTOR-0009", "--synthetic-seed", "3", "--synthetic-debtors", "10", "--json")
    assert scored.exit_code == 0, scored.output
