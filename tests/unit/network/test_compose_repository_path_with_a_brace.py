"""A compose file written outside the repository names the repository by its absolute path, in the data folder's
fallback `${RECFIN_HOSTS_DATA:-<repository>/.recfin/hosts}` too. Compose ends that `${...}` at the first `}` that
closes no `${` inside it, and has no escape for a `}` there: a checkout at /srv/re}po made the containers mount
/srv/repo/.recfin/hosts} (with the variable unset) or $RECFIN_HOSTS_DATA followed by `po/.recfin/hosts}`. Such a
file is refused before anything is written, saying what to do; a path Compose reads back whole is written."""
from __future__ import annotations

import pytest
import yaml

from network import compose
from network.errors import NetworkError

from .test_compose_repository_path_with_a_dollar import _as_compose_reads


def _written_outside(tmp_path, monkeypatch, topology, name: str):
    repository = tmp_path / name
    repository.mkdir()
    monkeypatch.setattr(compose, "REPO_ROOT", repository)
    out = tmp_path / "deploy" / "docker-compose.yaml"
    out.parent.mkdir()
    return repository, out


@pytest.mark.parametrize("name", ["re}po", "re{po}", "a b}"])
def test_a_repository_whose_path_holds_a_closing_brace_is_refused_before_writing(tmp_path, monkeypatch, topology,
                                                                                 name):
    repository, out = _written_outside(tmp_path, monkeypatch, topology, name)
    with pytest.raises(NetworkError) as refused:
        compose.write(topology, out)
    said = str(refused.value)
    assert f"not writing the compose file to {out}" in said
    assert f"{compose.shell_word(repository)}, which holds a `}}`" in said
    assert "write the compose file inside the repository" in said
    assert not out.exists()


def test_inside_the_repository_such_a_path_is_named_relatively_and_written(tmp_path, monkeypatch, topology):
    repository = tmp_path / "re}po"
    (repository / "deploy").mkdir(parents=True)
    monkeypatch.setattr(compose, "REPO_ROOT", repository)
    out = repository / "deploy" / "docker-compose.yaml"
    compose.write(topology, out)
    assert "}po" not in out.read_text()


@pytest.mark.parametrize("name", ["re${x}po", "re${po"])
def test_a_path_compose_reads_back_whole_is_written_as_it_is(tmp_path, monkeypatch, topology, name):
    repository, out = _written_outside(tmp_path, monkeypatch, topology, name)
    compose.write(topology, out)
    doc = yaml.safe_load(out.read_text())
    sources = {volume[:volume.rindex("}") + 1] for service in doc["services"].values()
               for volume in service.get("volumes", []) if volume.startswith("${")}
    assert {_as_compose_reads(source) for source in sources} == {f"{repository}/{compose.HOSTS_FOLDER}"}
