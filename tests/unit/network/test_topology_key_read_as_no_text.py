"""A topology key YAML reads as no text (`1:`, `true:`, `null:`, a date) was refused in pydantic's words, "[1]: Keys
should be strings" (True and 1 alike), "None: ..." or, in a block of names, "attrs[7]: Input should be a valid
string", read as a list's index: nothing the file holds. It is named as the file spells it (`0x1F`, not the 31 YAML
reads it as), in the words any other key no block takes is named in (client.yaml_files.unknown_key_note), or, in a
block of names, with what to do."""
from __future__ import annotations

import pytest
import yaml

from client.yaml_files import unknown_key_note
from network.errors import TopologyError
from network.topology import DEFAULT_TOPOLOGY, PeerOrgSpec, Topology, load, parse

SHIPPED = DEFAULT_TOPOLOGY.read_text(encoding="utf-8")


def refusal(tmp_path, text: str) -> str:
    path = tmp_path / "topology.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TopologyError) as refused:
        load(path)
    return str(refused.value)


@pytest.mark.parametrize("key", ["1", "true", "~", "null", "1.5", "2026-01-01",
                                 # each of which YAML reads as a value spelled otherwise: 31, true, 1000, a datetime
                                 "0x1F", "Yes", "1_000", "2026-01-01 10:00:00"])
def test_a_top_level_key_read_as_no_text_is_named_as_any_key_no_block_takes(tmp_path, key):
    said = refusal(tmp_path, SHIPPED + f"{key}: x\n")
    assert said == f"topology.yaml: {unknown_key_note(Topology, (key,))} (YAML reads it as no text)"


def test_one_in_an_orgs_block_names_the_block_and_the_keys_it_takes(tmp_path):
    old = "  - name: supplier\n"
    assert SHIPPED.count(old) == 1
    said = refusal(tmp_path, SHIPPED.replace(old, old + "    false: x\n"))
    orgs_index = [line for line in SHIPPED.splitlines() if line.startswith("  - name: ")].index(old.rstrip())
    assert said == (f"topology.yaml: orgs[{orgs_index}]: {unknown_key_note(PeerOrgSpec, ('false',))} "
                    f"(YAML reads it as no text)")


@pytest.mark.parametrize("key", ["7", "true", "~", "0x1F", "Yes", "1_000", "2026-01-01 10:00:00"])
def test_one_in_a_block_of_names_says_to_quote_it(tmp_path, key):
    old = "{name: inspector2, attrs: {recfin.role: regulator}}"
    assert SHIPPED.count(old) == 1
    said = refusal(tmp_path, SHIPPED.replace(old, f"{{name: inspector2, attrs: {{recfin.role: regulator, {key}: x}}}}"))
    assert said.endswith(f".users[1].attrs: {key} is a key read as no text: quote it if it is meant as a key, "
                         f"or remove it"), said


def test_a_topology_given_as_data_names_the_key_as_yaml_read_it(tmp_path):
    """parse() of data, with no file behind it (a namespaced topology, a bundle's), has no text to take the key's
    spelling from: it names the value YAML read."""
    data = yaml.safe_load(SHIPPED + "0x1F: x\n")
    with pytest.raises(TopologyError) as refused:
        parse(data)
    assert str(refused.value) == f"topology.yaml: {unknown_key_note(Topology, ('31',))} (YAML reads it as no text)"


def test_an_attribute_of_no_name_is_refused_naming_the_user(tmp_path):
    """`"": x` in a user's attrs was taken, an attribute no reader of the certificate could ask for by name."""
    old = "{name: inspector2, attrs: {recfin.role: regulator}}"
    said = refusal(tmp_path, SHIPPED.replace(old, '{name: inspector2, attrs: {recfin.role: regulator, "": x}}'))
    assert said.endswith(".users[1]: user inspector2's attrs hold an attribute of no name ('x'): write its name "
                         "before the colon, or remove it"), said
