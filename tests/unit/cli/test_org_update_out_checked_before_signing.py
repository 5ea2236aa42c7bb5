"""`org add|remove --update-out FILE` where no file can be written (its folder missing, a file where a folder should
be) is refused naming the option before the channel config is read or the update signed: the folder of a mistyped
path was made, the update written into it, and a file on the way failed only once the update was signed, naming no
option (exit 1)."""
from __future__ import annotations

import pytest

from cli.org_commands import org

from .test_org_membership_commands import BANK


@pytest.mark.parametrize("words", [BANK, ["remove", "supplier"]], ids=["add", "remove"])
@pytest.mark.parametrize("where, problem", [("mistyped/bank2.tx", "its folder {folder} is missing: create it first"),
                                            ("a-file/bank2.tx", "Not a directory: give the path of a file to write")])
def test_an_update_file_that_cannot_be_written_is_refused_before_anything_is_signed(runner, network_home, tmp_path,
                                                                                     monkeypatch, words, where,
                                                                                     problem):
    from cli import org_steps

    _, block = network_home
    (tmp_path / "a-file").write_text("kept\n", encoding="utf-8")
    out = tmp_path / where
    signed = []
    monkeypatch.setattr(org_steps, "ChannelStepWatched", lambda *_: signed.append(words))
    result = runner.invoke(org, [*words, "--update-out", str(out), "--config-block", str(block)])
    assert result.exit_code == 2, result.output
    assert (f"Invalid value for '--update-out': cannot write the update to {out}: "
            f"{problem.format(folder=out.parent)}") in result.output
    assert not (tmp_path / "mistyped").exists()
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "kept\n"
    assert signed == []
