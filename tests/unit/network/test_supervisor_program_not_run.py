"""A program that cannot be executed at all is refused naming it and why, as a NetworkError the commands
report, where the start raised the bare OSError of exec: "No such file or directory" naming a script that is
there when its #! line names an interpreter that is not (or ends in a carriage return), which
`fabric.require` passes."""
import os
import re

import pytest

from network.errors import NetworkError
from network.supervisor import ProcessSpec, Supervisor


def program(tmp_path, text: bytes, mode: int = 0o755):
    path = tmp_path / "peer"
    path.write_bytes(text)
    path.chmod(mode)
    return path


def start(tmp_path, path):
    spec = ProcessSpec("peer0.bank", [str(path), "node", "start"], dict(os.environ), tmp_path / "node.log",
                       tmp_path / "node.pid")
    Supervisor(grace=0.5).start(spec)


@pytest.mark.parametrize("first_line", [b"#!/bin/sh\r\n", b"#!/nowhere/sh\n"], ids=["crlf", "no-interpreter"])
def test_a_script_whose_interpreter_line_names_nothing_is_named_as_such(tmp_path, first_line):
    path = program(tmp_path, first_line + b"exec sleep 30\n")
    refusal = (rf"^peer0\.bank could not be started: {re.escape(str(path))}: it is a script whose first line "
               r"\(#!\) names an interpreter that is not there, or ends in a carriage return")
    with pytest.raises(NetworkError, match=refusal):
        start(tmp_path, path)
    assert not (tmp_path / "node.pid").exists()


def test_a_file_that_is_no_program_is_named_as_such(tmp_path):
    path = program(tmp_path, b"\x7fELF not really\n")
    with pytest.raises(NetworkError, match=r"^peer0\.bank could not be started: .*: it is neither a program "
                                           r"for this machine"):
        start(tmp_path, path)


def test_a_program_that_may_not_be_executed_names_chmod(tmp_path):
    """No execute bit at all: refused to root too."""
    path = program(tmp_path, b"#!/bin/sh\nexec sleep 30\n", mode=0o644)
    with pytest.raises(NetworkError, match=rf"`chmod \+x {re.escape(str(path))}`"):
        start(tmp_path, path)
