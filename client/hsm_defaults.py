"""The defaults of signing with a key kept in an HSM (``client.gateway.hsm``, ``client.gateway.hsm_msp``), in a
module that imports nothing, so that `recfin hsm import --help` shows them without loading cryptography."""

SOFTHSM2_LIBRARY = "/usr/lib/softhsm/libsofthsm2.so"
"""Where Debian's ``softhsm2`` package puts its PKCS#11 module."""

DEFAULT_PIN_ENV = "RECFIN_HSM_PIN"
"""The environment variable holding the token's user PIN unless the profile names another."""
