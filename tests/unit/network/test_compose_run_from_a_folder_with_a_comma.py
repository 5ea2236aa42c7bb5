"""`recfin network compose-up` (without --start) records the compose network for `network down` only once each
container's com.docker.compose.project.config_files label names the compose file. Compose joins the files in that
label with commas, and the label was split at every comma: a compose file in a folder whose name holds one
(`/srv/net,prod/docker-compose.yaml`) was never found in it, and the network was left unrecorded, the message
naming the same file twice as if they differed."""
from __future__ import annotations

import subprocess

from network import compose_down


def _docker(label: str):
    def run(argv, **_kwargs):
        out = "c0ffee\n" if argv[:2] == ["docker", "compose"] else label + "\n"
        return subprocess.CompletedProcess(argv, 0, out, "")
    return run


def test_a_compose_file_whose_folder_holds_a_comma_is_found_in_the_label(tmp_path):
    compose_file = tmp_path / "net,prod" / "docker-compose.yaml"
    compose_file.parent.mkdir()
    compose_file.write_text("services: {}\n")
    assert compose_down.not_running_from(compose_file, tmp_path, run=_docker(str(compose_file))) is None
    with_override = f"{compose_file},{compose_file.parent / 'docker-compose.override.yaml'}"
    assert compose_down.not_running_from(compose_file, tmp_path, run=_docker(with_override)) is None


def test_another_file_in_the_label_is_still_told_apart(tmp_path):
    compose_file = tmp_path / "net,prod" / "docker-compose.yaml"
    compose_file.parent.mkdir()
    compose_file.write_text("services: {}\n")
    label = f"{tmp_path / 'net'},{tmp_path / 'prod' / 'docker-compose.yaml'}"       # two files, neither this one
    said = compose_down.not_running_from(compose_file, tmp_path, run=_docker(label))
    assert said is not None and "not " + str(compose_file) in said
