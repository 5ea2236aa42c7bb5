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


def test_the_link_it_suggests_is_made_in_the_user_s_own_home(tmp_path):
    """A link in /tmp, a folder every user may write, could be made first by another user as a folder of theirs:
    `ln -s` then puts the link inside it, and --data-root names their folder, whose keys the nodes would mount."""
    data_root = tmp_path / "hosts:prod"
    with pytest.raises(NetworkError) as refused:
        start_containers(compose.COMPOSE_FILE, data_root, lambda _: None, lambda argv, **_: None)
    said = str(refused.value)
    link = "~/recfin-hosts-hosts-prod"
    assert f"`ln -s {data_root} {link}`, then --data-root {link})" in said, said
