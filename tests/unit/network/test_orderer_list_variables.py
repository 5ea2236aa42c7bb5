"""The orderer reads its CA lists (General.TLS.RootCAs, Admin.TLS.RootCAs and ClientRootCAs) from one variable each,
written "[a,b]": Fabric's config parser splits it at every comma and trims each part (viperutil's decode hook for
string slices). A data folder whose path holds a comma would reach the orderer as two paths, neither a file: `up`
and `prepare` refuse it before anything is written (test_data_folder_paths_fabric_reads.py)."""
import re
import shutil
from pathlib import Path

from network import nodeconfig


def as_fabric_reads(value: str) -> list[str]:
    """A list variable as Fabric's orderer parses it: "[...]" split at each comma, each part trimmed."""
    assert value.startswith("[") and value.endswith("]")
    return [part.strip() for part in value[1:-1].split(",")]


def test_each_list_variable_names_its_ca_file_as_the_orderer_reads_it(topology, crypto_root, tmp_path):
    data_root = tmp_path / "data folder with spaces" / "network"
    shutil.copytree(crypto_root, data_root)
    env = nodeconfig.orderer_env(topology, data_root, topology.node("orderer0.orderer"))
    # the refusal below names every variable written as a list
    assert {name for name, value in env.items() if value.startswith("[")} == set(nodeconfig.ORDERER_LIST_VARIABLES)
    for variable in nodeconfig.ORDERER_LIST_VARIABLES:
        [path] = as_fabric_reads(env[variable])
        assert path.endswith("tls/ca.crt") and (data_root / path).is_file(), variable


def test_a_data_folder_whose_path_holds_a_comma_is_named_as_what_the_orderer_would_misread(topology, crypto_root,
                                                                                          tmp_path):
    data_root = tmp_path / "receivables,2026" / "network"
    shutil.copytree(crypto_root, data_root)
    env = nodeconfig.orderer_env(topology, data_root, topology.node("orderer0.orderer"))
    for variable in nodeconfig.ORDERER_LIST_VARIABLES:
        parts = as_fabric_reads(env[variable])
        assert len(parts) == 2 and not any(Path(part).is_file() for part in parts), variable
    assert re.fullmatch(r"the data folder's path holds a comma \(.*receivables,2026/network\): the orderer reads its "
                        r"CA files from lists \(ORDERER_GENERAL_TLS_ROOTCAS, .*\) split at every comma, .* whose path "
                        r"has no comma", nodeconfig.data_root_path_problem(data_root))
