"""A login the token refuses (a wrong PIN, a token other code of the process is logged in to) leaves no
PKCS#11 session open: python-pkcs11's ``token.open(user_pin=...)`` kept the session it opened when the login
failed, one more for every wrong PIN for as long as the process ran. The module itself is asked which sessions
are open."""
from __future__ import annotations

import ctypes
import os

import pkcs11
import pytest

from client.gateway import HSMError, HSMSignerFactory, HSMSignerOptions, key_id_for
from client.gateway.hsm import token_login

from .softhsm import softhsm


@pytest.fixture
def token(tmp_path_factory):
    return softhsm(tmp_path_factory)


class _SessionInfo(ctypes.Structure):
    _fields_ = [("slot_id", ctypes.c_ulong), ("state", ctypes.c_ulong), ("flags", ctypes.c_ulong),
                ("device_error", ctypes.c_ulong)]


def _fresh_handle(token) -> int:
    """A session opened and closed now, its handle: SoftHSM2 numbers sessions in the order they are opened."""
    session = pkcs11.lib(os.path.realpath(token.library)).get_token(token_label=token.token).open()
    handle = session.handle
    session.close()
    return handle


def _open_sessions(token, handles: range) -> list[int]:
    """Those of handles the module (the one python-pkcs11 loaded) still has open: C_GetSessionInfo on each."""
    module = ctypes.CDLL(os.path.realpath(token.library))
    info = _SessionInfo()
    return [handle for handle in handles
            if module.C_GetSessionInfo(ctypes.c_ulong(handle), ctypes.byref(info)) == 0]


def _options(token, pin: str) -> HSMSignerOptions:
    return HSMSignerOptions(token.token, pin, key_id=key_id_for(token.user_key.public_key()))


def test_wrong_pins_leave_no_session_open(token):
    first = _fresh_handle(token)
    with HSMSignerFactory(token.library) as factory:
        for wrong in ("0000-wrong", "1111-wrong", "2222-wrong"):
            with pytest.raises(HSMError, match="wrong user PIN"):
                factory.new_signer(_options(token, wrong))
    with pytest.raises(HSMError, match="wrong user PIN"):
        with token_login(token.library, token.token, "3333-wrong"):
            pass
    assert _open_sessions(token, range(first + 1, _fresh_handle(token))) == []


def test_the_right_pin_after_wrong_ones_signs_and_closing_logs_the_process_out(token):
    first = _fresh_handle(token)
    with HSMSignerFactory(token.library) as factory:
        with pytest.raises(HSMError, match="wrong user PIN"):
            factory.new_signer(_options(token, "0000-wrong"))
        with factory.new_signer(_options(token, token.pin)) as signer:
            assert signer(os.urandom(32))
    assert _open_sessions(token, range(first + 1, _fresh_handle(token))) == []
    # logged out: the token checks the next PIN itself, rather than answering "already logged in"
    with pytest.raises(HSMError, match="wrong user PIN"):
        HSMSignerFactory(token.library).new_signer(_options(token, "4444-wrong"))


def test_a_token_other_code_is_logged_in_to_is_refused_without_a_session_left_open(token):
    other_code = pkcs11.lib(os.path.realpath(token.library)).get_token(token_label=token.token).open(
        user_pin=token.pin)
    try:
        first = _fresh_handle(token)
        with pytest.raises(HSMError, match="already logged in by other PKCS#11 code"):
            HSMSignerFactory(token.library).new_signer(_options(token, token.pin))
        assert _open_sessions(token, range(first + 1, _fresh_handle(token))) == []
    finally:
        other_code.close()
