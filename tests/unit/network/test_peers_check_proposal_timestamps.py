"""Every peer, native or in compose, refuses a proposal stamped outside its time window.

The contract dates everything (due, late, expiry, days of interest) by the proposal's timestamp, which the
client sets. Fabric checks it against the peer's clock (peer.authentication.timewindow) only with its
TimeWindowCheck auth filter listed in core.yaml, which Fabric's own core.yaml leaves out: without it a client
could stamp a payment after its due date as made before it, or accept an offer that has expired.
"""

import pytest
import yaml

from network import nodeconfig

from .test_compose import start_peer_from

# peer.handlers of Fabric's core.yaml, in the two forms its releases write a list item in
MULTI_LINE_ITEMS = """\
peer:
  id: jdoe
  authentication:
    timewindow: 15m
  handlers:
    authFilters:
      -
        name: DefaultAuth
      -
        name: ExpirationCheck    # This filter checks identity x509 certificate expiration
    decorators:
      -
        name: DefaultDecorator
vm:
  endpoint: unix:///var/run/docker.sock
"""
ONE_LINE_ITEMS = """\
peer:
  id: jdoe
  authentication:
    timewindow: 15m
  handlers:
    authFilters:
      - name: DefaultAuth
      - name: ExpirationCheck # This filter checks identity x509 certificate expiration
    decorators:
      - name: DefaultDecorator
vm:
  endpoint: unix:///var/run/docker.sock
"""
CHECKED = [{"name": "DefaultAuth"}, {"name": "ExpirationCheck"}, {"name": "TimeWindowCheck"}]


@pytest.mark.parametrize("image_core_yaml", [MULTI_LINE_ITEMS, ONE_LINE_ITEMS])
def test_native_peers_core_yaml_lists_the_time_window_filter_after_the_base_ones(tmp_path, image_core_yaml):
    base = yaml.safe_load(image_core_yaml)
    core = nodeconfig.peer_core_yaml(base, tmp_path / "builder")
    assert core["peer"]["handlers"]["authFilters"] == CHECKED
    assert core["peer"]["handlers"]["decorators"] == [{"name": "DefaultDecorator"}]
    assert base["peer"]["handlers"]["authFilters"] == CHECKED[:2]      # the base is not modified


def test_native_peers_core_yaml_lists_the_filter_once(tmp_path):
    base = yaml.safe_load(ONE_LINE_ITEMS)
    once = nodeconfig.peer_core_yaml(base, tmp_path / "builder")
    assert nodeconfig.peer_core_yaml(once, tmp_path / "builder")["peer"]["handlers"]["authFilters"] == CHECKED


def test_a_base_without_handlers_gets_the_filter(tmp_path):
    core = nodeconfig.peer_core_yaml({"peer": {"id": "jdoe", "handlers": None}}, tmp_path / "builder")
    assert core["peer"]["handlers"] == {"authFilters": [{"name": "TimeWindowCheck"}]}


@pytest.mark.parametrize("image_core_yaml", [MULTI_LINE_ITEMS, ONE_LINE_ITEMS])
def test_compose_peers_start_from_a_core_yaml_listing_the_time_window_filter(tmp_path, image_core_yaml):
    done = start_peer_from(tmp_path, image_core_yaml)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "started"
    core = yaml.safe_load((tmp_path / "cfg" / "core.yaml").read_text())
    assert core["peer"]["handlers"]["authFilters"] == CHECKED
    assert core["peer"]["handlers"]["decorators"] == [{"name": "DefaultDecorator"}]
    assert core["vm"]["endpoint"] == ""


def test_a_compose_peer_whose_image_lists_no_expiration_check_refuses_to_start(tmp_path):
    done = start_peer_from(tmp_path, ONE_LINE_ITEMS.replace("      - name: ExpirationCheck", "      # gone"))
    assert done.returncode == 1 and "started" not in done.stdout
    assert "could not add TimeWindowCheck" in done.stderr
