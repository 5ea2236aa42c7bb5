"""A compose file or hosts data folder whose path holds a line break is named quoted ($'...') in what compose-up
and `network down` say, so that each message stays the one line it is meant to be."""
import json

from click.testing import CliRunner

from cli.main import main
from network import compose_down, compose_up
from network.errors import NetworkError
from network.topology import load


def test_network_down_names_a_missing_recorded_compose_file_on_one_line(home, hosts_data, tmp_path):
    compose_file = tmp_path / "compose\nfile.yaml"
    record = compose_down.record_path(load())
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"compose_file": str(compose_file), "data_root": str(hosts_data),
                                  "native_data_root": str(load().resolved_data_root().absolute())}))
    result = CliRunner().invoke(main, ["network", "down"])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert "$'" in line and "compose\\nfile.yaml" in line
    assert record.is_file()


def test_a_data_folder_with_a_colon_and_a_line_break_is_refused_on_one_line(tmp_path):
    data_root = tmp_path / "hosts:\nprod"
    said = []
    try:
        compose_up.docker_compose(tmp_path / "docker-compose.yaml", data_root, ["ps"], said.append,
                                  without_docker="-", timeout=1.0)
    except NetworkError as refused:
        message = str(refused)
    assert "\n" not in message and "hosts:\\nprod" in message and not said
