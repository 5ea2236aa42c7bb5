"""The compose file mounts each node's crypto from the data folder as HOST:CONTAINER:ro, which Compose splits at
every colon: with a data folder whose path holds one (`/srv/hosts:prod`), docker failed with `too many colons`,
naming neither the data folder nor what to do. It is refused before docker runs, saying how to go on."""
from __future__ import annotations

import subprocess

import pytest

from network import compose
from network.compose_up import start_containers
from network.errors import NetworkError


def test_a_data_folder_whose_path_holds_a_colon_is_refused_before_docker_runs(tmp_path):
    calls = []

    def run(argv, **_kwargs):
        calls.append(argv)
        return subprocess.CompletedProcess(argv, 0, "", "")

    data_root = tmp_path / "hosts:prod"
    with pytest.raises(NetworkError) as refused:
        start_containers(compose.COMPOSE_FILE, data_root, lambda _: None, run)
    assert calls == []
    assert str(data_root) in str(refused.value) and "ln -s" in str(refused.value)
