"""`python -m client.risk.simulator` refuses what it cannot write in one line and writes nothing: an --out that is a
folder ended in an IsADirectoryError traceback, and --debtors 0 in a refusal of the debtor asked for that named
SYN-DEBTOR--001 as the last of the simulation's."""
import pytest

from client.risk.simulator import main


def refused(capsys, *args: str) -> tuple[int, str]:
    """The exit code and the stderr of a refused run."""
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    return stopped.value.code, capsys.readouterr().err


def test_an_out_that_is_a_folder_is_refused_in_one_line(tmp_path, capsys):
    code, err = refused(capsys, "SYN-DEBTOR-0007", "--out", str(tmp_path))
    assert code == 1
    assert err == (f"python -m client.risk.simulator: error: cannot write --out {tmp_path}: Is a directory; "
                   "give the path of a file to write\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("debtors", ["0", "-3", "many"])
def test_a_simulation_of_no_debtors_is_refused_naming_the_option(tmp_path, capsys, debtors):
    code, err = refused(capsys, "SYN-DEBTOR-0007", "--debtors", debtors, "--out", str(tmp_path / "h.json"))
    assert code == 2
    assert err.splitlines()[-1] == (f"python -m client.risk.simulator: error: argument --debtors: {debtors!r} is no "
                                    "number of debtors: give a whole number from 1")
    assert not (tmp_path / "h.json").exists()


def test_a_debtor_the_simulation_has_not_is_refused_naming_the_ones_it_has(tmp_path, capsys):
    code, err = refused(capsys, "SYN-DEBTOR-0020", "--debtors", "20", "--out", str(tmp_path / "h.json"))
    assert code == 2
    assert err.splitlines()[-1].endswith("has no debtor 'SYN-DEBTOR-0020': give one of SYN-DEBTOR-0000 to "
                                         "SYN-DEBTOR-0019")
    assert not (tmp_path / "h.json").exists()
