"""A profile user whose MSP folder is not where the connection profile says (a bundle unpacked away from the install
root its profile names, a data folder copied without its crypto/) is named with the profile that points at it, by
`recfin hsm` and by every `--as ORG/USER` command, not with the SDK's words, which say to give the identity's MSP
folder: no option of theirs takes one."""
from __future__ import annotations

import shutil

import pytest

import cli.connection
from cli.main import main
from network import profiles
from network.errors import NetworkError

from . import test_hsm_commands

data_root = test_hsm_commands.data_root     # the default topology's crypto and profiles


def _without_supplier1s_folder(data_root):
    folder = profiles.load("supplier", data_root).user("supplier1").msp_dir
    shutil.rmtree(folder)
    return folder


def _names_the_profile_not_the_sdks_advice(message, folder, data_root):
    profile = data_root / "profiles" / "supplier.json"
    assert (f"the MSP folder {folder} that org supplier's connection profile {profile} names for user supplier1 "
            "is not there") in message
    assert "--install-root" in message and "give the identity's MSP folder" not in message


def test_hsm_check_of_a_user_whose_folder_is_not_there_names_the_profile(runner, data_root):
    folder = _without_supplier1s_folder(data_root)
    result = runner.invoke(main, ["hsm", "check", "--as", "supplier/supplier1", "--data-root", str(data_root)])
    assert result.exit_code == 1, result.output
    _names_the_profile_not_the_sdks_advice(" ".join(result.output.split()), folder, data_root)


def test_a_session_as_a_user_whose_folder_is_not_there_names_the_profile(data_root):
    folder = _without_supplier1s_folder(data_root)
    with pytest.raises(NetworkError) as refused:
        with cli.connection.open_session("supplier", "supplier1", data_root):
            pass
    _names_the_profile_not_the_sdks_advice(str(refused.value), folder, data_root)


def test_hsm_check_of_the_default_user_with_every_user_folder_gone_names_the_profile(runner, data_root):
    # no user to choose with --as: each one's folder is gone, and restoring them is the way on
    profile = profiles.load("supplier", data_root)
    clients = [user for user in profile.users.values() if user.role == "client" and not user.revoked]
    for user in clients:
        shutil.rmtree(user.msp_dir)
    result = runner.invoke(main, ["hsm", "check", "--as", "supplier", "--data-root", str(data_root)])
    assert result.exit_code == 1, result.output
    message = " ".join(result.output.split())
    assert (f"the MSP folders that org supplier's connection profile {data_root / 'profiles' / 'supplier.json'} "
            f"names for its client users ({', '.join(user.name for user in clients)}) are not there, "
            f"{clients[0].msp_dir} among them") in message
    assert "--install-root" in message and "choose one with --as" not in message
