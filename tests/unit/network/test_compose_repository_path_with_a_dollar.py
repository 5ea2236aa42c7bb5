"""A compose file written outside the repository (`recfin network compose --write --output FILE`) names the
repository by its absolute path, in the chaincode image's build context and in the data folder's fallback. Compose
reads `$name` there as a variable: a checkout at /home/ops/re$po was named /home/ops/re (with a warning that `po`
is not set), so the image was built from another folder. A `$` of the path is written `$$`, Compose's literal `$`."""
from __future__ import annotations

import re

import yaml

from network import compose


def _as_compose_reads(value: str) -> str:
    """value after Compose's interpolation, where it holds no variable but those of the data folder's fallback."""
    fallback = re.fullmatch(r"\$\{" + compose.DATA_VARIABLE + r":-(.*)\}", value)
    literal = fallback.group(1) if fallback else value
    assert "$" not in literal.replace("$$", ""), f"{value!r} holds a variable Compose would substitute"
    return literal.replace("$$", "$")


def test_a_repository_whose_path_holds_a_dollar_is_named_as_it_is(tmp_path, monkeypatch, topology):
    repository = tmp_path / "re$po"
    repository.mkdir()
    monkeypatch.setattr(compose, "REPO_ROOT", repository)
    out = tmp_path / "deploy" / "docker-compose.yaml"
    out.parent.mkdir()
    compose.write(topology, out)
    doc = yaml.safe_load(out.read_text())
    contexts = {service["build"]["context"] for service in doc["services"].values() if "build" in service}
    assert {_as_compose_reads(context) for context in contexts} == {str(repository)}
    sources = {volume.split(":")[0] if not volume.startswith("${") else volume[:volume.index("}") + 1]
               for service in doc["services"].values() for volume in service.get("volumes", [])
               if volume.startswith("${")}
    assert {_as_compose_reads(source) for source in sources} == {f"{repository}/{compose.HOSTS_FOLDER}"}
