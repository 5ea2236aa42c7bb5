"""Signing with a private key that never leaves a hardware security module (PKCS#11).

The official Fabric Gateway clients offer an HSM signer factory; this is its
Python form, over any PKCS#11 module (a vendor's HSM library, a cloud HSM's,
or SoftHSM2 for development)::

    from client.gateway import HSMSignerFactory, HSMSignerOptions, connect

    with HSMSignerFactory("/usr/lib/softhsm/libsofthsm2.so") as factory:
        options = HSMSignerOptions(token_label="recfin", user_pin=pin, key_id=key_id_for(certificate))
        with factory.new_signer(options) as signer:
            with connect(..., identity=identity, signer=signer) as gateway:
                ...

The digest is signed inside the HSM with ``CKM_ECDSA``; the raw ``r || s`` it
returns is encoded as DER with ``s`` in the lower half of the curve order, as
Fabric requires. Keys are found by ``CKA_ID`` (Fabric's tools set it to the
key's subject key identifier, :func:`key_id_for`) or by ``CKA_LABEL``.

PKCS#11 logs a user in per token and per process, not per session: every
session of the process shares the login, and logging out (or closing the
session that logged in) ends it for all of them. So the process holds one
logged-in session per token for as long as any signer (or key import) uses
the token, and each signer signs through a session of its own.

A token checks a PIN only when it logs in; once the process is logged in, a
second login is answered ``CKR_USER_ALREADY_LOGGED_IN`` whatever the PIN. So
the PIN of every later signer on the token is compared (``hmac.compare_digest``
over SHA-256 digests) with the PIN that logged in, which the token checked: a
different one is refused as wrong. A login this module did not make (other
PKCS#11 code of the process logged in to the token) has no PIN to compare with:
the token is then refused, rather than any PIN taken as right.

python-pkcs11 initialises a module without asking it to lock (``C_Initialize``
with no arguments), which per PKCS#11 lets the module assume one thread at a
time; SoftHSM2 then crashes under concurrent calls. So every call into one
module is made under one lock of the process: signers are safe to share
between threads, and signatures through one module are made in turn.

PKCS#11 sessions, logins and the module's initialisation belong to the process that made them; a
process forked from it must not use them, nor the lock, which another thread may have held at the
fork. So the module and each login record the pid they were made in, and in a forked child the
parent's factories and signers refuse to work (:class:`HSMError`). The child forgets the parent's
module and logins (fresh locks, too): a factory made there initialises the module afresh
(``C_Initialize`` again, as PKCS#11 has a child do) and logs in anew. A module that does not start
afresh in a forked child answers that it is initialised already; the factory then says to load the
module only after fork, or to start processes with the spawn method. SoftHSM2 starts afresh only with
``library.reset_on_fork = true`` in its configuration. Signers and factories cannot be pickled (sent to
another process): each process makes its own.

The module runs in the process, with the PIN: one another user could have replaced is refused before it is
loaded (a folder looked in or a symlink followed in resolving its path, or the file it resolves to, owned by
another user than you or root; or the folder or the file writable by others, by a group that is not its owner's
private one, or by a user or group its POSIX ACL names; a sticky folder such as /tmp is let through).

Needs the ``python-pkcs11`` package (``pip install 'recfin[hsm]'``; scripts/install
installs it); it is imported only when an HSM is used.
"""

from __future__ import annotations

import errno
import grp
import hashlib
import hmac
import os
import pwd
import stat
import struct
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

from ..hsm_defaults import SOFTHSM2_LIBRARY
from ._signer import _CURVE_ORDERS, _checked

__all__ = [
    "HSMError",
    "KeyNotFound",
    "KeyLabelTaken",
    "SeveralKeysMatch",
    "HSMSignerOptions",
    "HSMSignerFactory",
    "HSMSigner",
    "key_id_for",
    "import_private_key",
    "generate_private_key",
    "certificate_request",
    "destroy_key_pair",
    "token_login",
    "SOFTHSM2_LIBRARY",
]


_CURVES_BY_NAME = {"secp256r1": ec.SECP256R1, "secp384r1": ec.SECP384R1}
_CURVE_NAMES = {"P-256": "secp256r1", "P-384": "secp384r1"}


class HSMError(ValueError):
    """The HSM, its token or its key is not what the options said; the message says what to do."""


class KeyLabelTaken(HSMError):
    """Another private key in the token already has the CKA_LABEL a new key was to get."""


class KeyNotFound(HSMError):
    """The token, logged in to with the PIN given, holds no private key with the ``CKA_ID`` or ``CKA_LABEL`` asked for.

    Apart from the other errors because only this one says the PIN was right: code asking whether a key is there
    must not take a wrong PIN for "no", and log in with it again (each wrong try counts towards locking the token)."""


class SeveralKeysMatch(HSMError):
    """The token holds several private keys with the ``CKA_ID`` or ``CKA_LABEL`` asked for, so none signs.

    Apart from the other errors because the key is there (more than once): code asking whether a key is held can
    name the duplicates to delete instead of asking for a key ID that would not tell them apart."""


@dataclass(frozen=True)
class HSMSignerOptions:
    """Which token and key sign: the token's label, the user PIN, and the key's ``CKA_ID`` or ``CKA_LABEL``.

    ``key_id`` as ``str`` is taken as its UTF-8 bytes, as the official clients' ``identifier`` is.
    """

    token_label: str
    user_pin: str = field(repr=False)
    key_id: bytes | str | None = None
    key_label: str | None = None

    def __post_init__(self) -> None:
        if not self.token_label:
            raise HSMError("HSMSignerOptions needs the token_label of the token holding the key")
        if self.key_id is None and self.key_label is None:
            raise HSMError("HSMSignerOptions needs the key's key_id (CKA_ID) or key_label (CKA_LABEL)")

    @property
    def key_id_bytes(self) -> bytes | None:
        return self.key_id.encode() if isinstance(self.key_id, str) else self.key_id

    def describe_key(self) -> str:
        parts = []
        if self.key_id is not None:
            parts.append(f"CKA_ID {self.key_id_bytes.hex()}")
        if self.key_label is not None:
            parts.append(f"label {self.key_label!r}")
        return " and ".join(parts)


def key_id_for(public_key_or_certificate) -> bytes:
    """Fabric's subject key identifier of an EC public key: SHA-256 of its uncompressed point.

    Fabric's PKCS#11 BCCSP and fabric-ca set a key's ``CKA_ID`` to it, and its keystore files are
    named by it (``<hex>_sk``), so the certificate alone tells which key in the token is the user's.
    """
    public_key = getattr(public_key_or_certificate, "public_key", lambda: public_key_or_certificate)()
    point = public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return hashlib.sha256(point).digest()


class HSMSignerFactory:
    """A PKCS#11 module, loaded once; :meth:`new_signer` makes signers from its tokens' keys.

    ``close()`` (or leaving ``with``) closes every signer it made. The module itself stays loaded
    for the process: PKCS#11 allows one initialisation per process, and other factories may share it.
    """

    def __init__(self, library: str | Path) -> None:
        self.library = str(library)
        self._module = _load_library(self.library)
        self._signers: list[HSMSigner] = []
        self._lock = threading.Lock()

    def __reduce__(self):
        raise HSMError(_NOT_SENT.format(what="HSM signer factories"))

    def new_signer(self, options: HSMSignerOptions) -> "HSMSigner":
        """A signer over the token's key; it holds a session open until closed."""
        signer = HSMSigner(self._module, self.library, options)
        with self._lock:
            self._signers = [s for s in self._signers if not s.closed] + [signer]
        return signer

    def close(self) -> None:
        if os.getpid() != self._module.pid:
            # A forked child: another thread of the parent may have held the lock at the fork.
            self._lock = threading.Lock()
        with self._lock:
            signers, self._signers = self._signers, []
        for signer in signers:
            signer.close()

    def __enter__(self) -> "HSMSignerFactory":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class HSMSigner:
    """A :data:`~client.gateway.Signer` (``digest -> DER signature``) whose key stays in the HSM.

    Thread-safe: each call into the PKCS#11 module is made under the module's lock (see above).
    """

    def __init__(self, module: "_Module", library: str, options: HSMSignerOptions) -> None:
        import pkcs11

        self.token_label = options.token_label
        self.library = library
        self._pid = module.pid
        self._lock = module.lock
        self._login = _TokenLogin.acquire(module, library, options.token_label, options.user_pin)
        try:
            with self._lock:
                self._session = _guarded(library, options.token_label, lambda: self._login.token.open())
                try:
                    self._key = _find_private_key(self._session, options, library)
                    self.curve = _curve_of(self._key, options)
                    self.key_id: bytes = self._key[pkcs11.Attribute.ID]
                except BaseException:
                    _close_ended_or_not(self._session)
                    raise
        except BaseException:
            self._release()
            raise
        self._order = _CURVE_ORDERS[self.curve.name]
        self._half = (self._order.bit_length() + 7) // 8

    @property
    def closed(self) -> bool:
        return self._login is None

    def __reduce__(self):
        raise HSMError(_NOT_SENT.format(what="HSM signers"))

    def __repr__(self) -> str:
        # how errors name the signer (one that gave no signature in time, one whose key is not the identity's):
        # the token and key to look at, not an object's address
        return f"HSMSigner(token {self.token_label!r}, key id {self.key_id.hex()}, module {self.library})"

    def __call__(self, digest: bytes) -> bytes:
        import pkcs11

        digest = _checked(digest)
        _refuse_in_a_fork(self._pid, f"this HSM signer (token {self.token_label!r})")
        with self._lock:
            self._refuse_if_closed()
            raw = _guarded(self.library, self.token_label,
                           lambda: self._key.sign(digest, mechanism=pkcs11.Mechanism.ECDSA))
        if len(raw) != 2 * self._half:
            raise HSMError(f"the HSM returned a {len(raw)}-byte ECDSA signature for a {self.curve.name} key, "
                           f"not r || s of {2 * self._half} bytes: check the PKCS#11 module")
        r = int.from_bytes(raw[:self._half], "big")
        s = int.from_bytes(raw[self._half:], "big")
        return utils.encode_dss_signature(r, min(s, self._order - s))  # low-S, as Fabric requires

    def public_key(self) -> ec.EllipticCurvePublicKey | None:
        """The key's public half: the public key object in the token under its ``CKA_ID`` that verifies a test
        signature the key makes, if there is one.

        The ID alone does not tell: keys chosen by label may share one (tools that give every key ID 01), and
        any public object can be stored under any ID; the first found would be another key's as often as not.
        """
        import pkcs11

        _refuse_in_a_fork(self._pid, f"this HSM signer (token {self.token_label!r})")
        with self._lock:
            self._refuse_if_closed()   # a search in the closed session would fail in the module's own words
            found = _guarded(self.library, self.token_label,
                             lambda: _objects(self._session, pkcs11.ObjectClass.PUBLIC_KEY, self.key_id))
            candidates = []
            for public in found:
                try:
                    candidates.append(_guarded(self.library, self.token_label,
                                               lambda public=public: _public_key_of(public, self.curve)))
                except HSMError:
                    raise
                except ValueError:   # a point not on this key's curve: another key's
                    continue
        if not candidates:
            return None
        digest = os.urandom(32)
        signature = self(digest)
        return next((candidate for candidate in candidates if verifies(candidate, signature, digest)), None)

    def key_origin(self) -> dict[str, bool | None]:
        """What the token says of where the private key came from, for an auditor: its PKCS#11 attributes.

        ``local``: CKA_LOCAL, the token generated the key (an imported key is not local);
        ``never_extractable`` and ``always_sensitive``: no one could ever read it out;
        ``extractable`` and ``sensitive``: whether it could be read out now. ``None`` where the token
        does not keep the attribute. Only the token vouches for these: a certificate request cannot show them.
        """
        import pkcs11

        _refuse_in_a_fork(self._pid, f"this HSM signer (token {self.token_label!r})")
        attributes = {"local": pkcs11.Attribute.LOCAL, "never_extractable": pkcs11.Attribute.NEVER_EXTRACTABLE,
                      "always_sensitive": pkcs11.Attribute.ALWAYS_SENSITIVE,
                      "extractable": pkcs11.Attribute.EXTRACTABLE, "sensitive": pkcs11.Attribute.SENSITIVE}
        with self._lock:
            self._refuse_if_closed()
            return {name: _guarded(self.library, self.token_label,
                                   lambda attribute=attribute: _attribute_or_none(self._key, attribute))
                    for name, attribute in attributes.items()}

    def _refuse_if_closed(self) -> None:
        """HSMError once closed; called under the lock, so a close cannot come between it and the token call."""
        if self._login is None:
            raise HSMError(f"this HSM signer (token {self.token_label!r}) is closed; make a new one")

    def close(self) -> None:
        if os.getpid() != self._pid:
            # The session and login are the parent's: ending them from here could end them for the parent.
            self._login = None
            return
        with self._lock:
            if self._login is None:
                return
            try:
                _close_ended_or_not(self._session)
            finally:
                login, self._login = self._login, None
        login.release()

    def _release(self) -> None:
        login, self._login = self._login, None
        login.release()

    def __enter__(self) -> "HSMSigner":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def import_private_key(library: str | Path, token_label: str, user_pin: str, private_key: ec.EllipticCurvePrivateKey,
                       *, key_id: bytes | None = None, key_label: str | None = None) -> bytes:
    """Put an existing EC private key into the token as a sensitive, non-extractable signing key; its ``CKA_ID``.

    ``key_id`` defaults to :func:`key_id_for` the key (Fabric's SKI). A public key object with the same
    ID and label is stored too, so the token tells which certificate the key belongs to. Importing the
    same key again changes nothing; another key under the same ID is refused, and so is a new key under a
    ``key_label`` another private key in the token has (signers choosing their key by it would find two).

    Either object failing to be stored is an :class:`HSMError` (a token that takes no key from outside
    is named, with the way round it), and a private object stored before its public one failed is
    destroyed again. A private object already under the ID is told apart by a test signature it makes,
    checked with ``private_key``'s public half, whatever public object is stored beside it: the same key
    without its public object (left by a run that stopped between the two) gets it, another is refused.
    """
    import pkcs11
    from pkcs11.util.ec import decode_ec_private_key, decode_ec_public_key

    if not isinstance(private_key, ec.EllipticCurvePrivateKey) or private_key.curve.name not in _CURVES_BY_NAME:
        raise HSMError("only EC P-256 or P-384 keys can be imported: Fabric client identities use ECDSA")
    library = str(library)
    chosen_id = bool(key_id)
    key_id = key_id or key_id_for(private_key.public_key())
    public_der = private_key.public_key().public_bytes(serialization.Encoding.DER,
                                                       serialization.PublicFormat.SubjectPublicKeyInfo)
    labels = {pkcs11.Attribute.ID: key_id, pkcs11.Attribute.TOKEN: True,
              **({pkcs11.Attribute.LABEL: key_label} if key_label else {})}
    public_template = {**decode_ec_public_key(public_der), **labels, pkcs11.Attribute.VERIFY: True}
    with _token_session(library, token_label, user_pin) as session:   # holds the module's lock
        existing = _guarded(library, token_label, lambda: _objects(session, pkcs11.ObjectClass.PRIVATE_KEY, key_id))
        stored = _guarded(library, token_label, lambda: _objects(session, pkcs11.ObjectClass.PUBLIC_KEY, key_id))
        if existing:
            # no public object (a run that stopped between the two, or another key stored without its public half)
            # leaves one private key to tell by; and public objects are no proof of the private key beside them
            # (another key's public half can be stored under any ID): that key itself must sign for private_key
            same = (all(_is_public_object_of(p, private_key.public_key()) for p in stored) if stored
                    else len(existing) == 1)
            same = same and all(_signs_for(e, private_key.public_key(), library, token_label) for e in existing)
            if not same:
                # another key_id is a way on only for a caller who chose one: `recfin hsm import` gives none
                remedy = ("give another key_id, or delete that key with the HSM's tool" if chosen_id else
                          "delete that key with the HSM's tool, then import again")
                own = "" if chosen_id else ", this key's own ID (Fabric's SKI of it)"
                raise HSMError(f"token {token_label!r} already holds another private key with CKA_ID "
                               f"{key_id.hex()}{own}, so nothing was imported: {remedy}")
            if not stored:
                _guarded(library, token_label, lambda: session.create_object(public_template))
            return key_id
        _refuse_a_taken_label(session, key_label, library, token_label)
        der = private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                                        serialization.NoEncryption())
        private_object = _guarded(library, token_label, lambda: _imported(library, token_label, lambda: (
            session.create_object({**decode_ec_private_key(der), **labels, pkcs11.Attribute.PRIVATE: True,
                                   pkcs11.Attribute.SENSITIVE: True, pkcs11.Attribute.EXTRACTABLE: False,
                                   pkcs11.Attribute.SIGN: True}))))
        try:
            _guarded(library, token_label, lambda: session.create_object(public_template))
        except BaseException:
            _destroy_quietly((private_object,))   # else every retry would find "another" key under the ID
            raise
    return key_id


def _refuse_a_taken_label(session, key_label: str | None, library: str, token_label: str) -> None:
    """HSMError when a private key in the token already has CKA_LABEL ``key_label``; called before a new private
    key (another CKA_ID) is made under it. PKCS#11 lets two keys share a label, but every signer then choosing its
    key by that label (``HSMSignerOptions.key_label``, another application's, a Fabric tool's) would find several
    and sign with none, so the clash is refused here, where it would be made."""
    import pkcs11

    if not key_label:
        return
    holders = _guarded(library, token_label, lambda: _objects(session, pkcs11.ObjectClass.PRIVATE_KEY, label=key_label))
    if holders:
        held = ", ".join(sorted(k[pkcs11.Attribute.ID].hex() for k in holders))
        raise KeyLabelTaken(f"token {token_label!r} of {library} already holds a private key labelled {key_label!r} "
                            f"(CKA_ID {held}); a second one would leave every signer that chooses its key by that "
                            "label unable to tell them apart: choose another key_label, or first delete that key "
                            "with the HSM's tool")


def _imported(library: str, token_label: str, create):
    """``create()`` of an imported private key's object; a token refusing a key from outside is said with the way
    round it (other PKCS#11 errors are left to :func:`_guarded`)."""
    import pkcs11

    try:
        return create()
    except (pkcs11.TemplateInconsistent, pkcs11.TemplateIncomplete, pkcs11.AttributeValueInvalid,
            pkcs11.AttributeTypeInvalid, pkcs11.AttributeReadOnly, pkcs11.FunctionNotSupported) as error:
        raise HSMError(f"token {token_label!r} of {library} refused to store the private key (PKCS#11 "
                       f"{type(error).__name__}): many HSMs take no private key from outside. Make the key in the "
                       "token instead (recfin hsm generate --csr, then recfin org user add --csr and recfin hsm "
                       "link), or allow key import in the HSM's policy") from None


def _is_public_object_of(public_object, public_key: ec.EllipticCurvePublicKey) -> bool:
    """Whether the token's public key object holds public_key (an object on another curve does not)."""
    try:
        return _same_public_key(_public_key_of(public_object, public_key.curve), public_key)
    except ValueError:
        return False


def _signs_for(private_object, public_key: ec.EllipticCurvePublicKey, library: str, token_label: str) -> bool:
    """Whether the token's private key object is public_key's private half: a signature it makes verifies with it."""
    import pkcs11

    if _guarded(library, token_label, lambda: private_object[pkcs11.Attribute.KEY_TYPE]) != pkcs11.KeyType.EC:
        return False
    digest = hashlib.sha256(os.urandom(32)).digest()
    try:
        raw = _guarded(library, token_label, lambda: private_object.sign(digest, mechanism=pkcs11.Mechanism.ECDSA))
    except HSMError as error:
        raise HSMError(f"{error} (a test signature by the private key already under this CKA_ID, to tell whether it "
                       "is the key being imported)") from None
    half = len(raw) // 2
    signature = utils.encode_dss_signature(int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big"))
    return verifies(public_key, signature, digest)


def verifies(public_key, signature: bytes, digest: bytes) -> bool:
    """Whether ``signature`` (DER ECDSA) of the SHA-256 ``digest`` verifies with ``public_key``: a test signature an
    HSM key made, to tell which key it is; False for a key that is not an EC key (no HSM key here signs for one)."""
    from cryptography.exceptions import InvalidSignature

    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        return False
    try:
        public_key.verify(signature, digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    except InvalidSignature:
        return False
    return True


def generate_private_key(library: str | Path, token_label: str, user_pin: str, *, curve: str = "P-256",
                         key_label: str | None = None) -> tuple[bytes, ec.EllipticCurvePublicKey]:
    """Make a new EC key pair inside the token; its ``CKA_ID`` (Fabric's SKI of it) and public key.

    The private key is sensitive and not extractable, and the token marks it as generated there (CKA_LOCAL,
    CKA_NEVER_EXTRACTABLE; :meth:`HSMSigner.key_origin` reads them). ``key_label`` (CKA_LABEL) defaults to
    the key ID in hex, as Fabric's tools set it; one another private key in the token has is refused before
    any key is made. When naming the pair fails, it is destroyed: no half-made key stays in the token. Ask the
    org's CA for a certificate over the public key
    (:func:`certificate_request` writes the request, signed by the HSM).
    """
    import pkcs11
    from pkcs11.util.ec import encode_named_curve_parameters

    if curve not in _CURVE_NAMES:
        raise HSMError(f"curve {curve!r} is not one Fabric uses: choose P-256 or P-384")
    library = str(library)
    with _token_session(library, token_label, user_pin) as session:
        _refuse_a_taken_label(session, key_label, library, token_label)
        parameters = _guarded(library, token_label, lambda: session.create_domain_parameters(
            pkcs11.KeyType.EC, {pkcs11.Attribute.EC_PARAMS: encode_named_curve_parameters(_CURVE_NAMES[curve])},
            local=True))
        provisional_id = os.urandom(16)   # the SKI needs the public point, known only once the pair exists
        public, private = _guarded(library, token_label, lambda: parameters.generate_keypair(
            store=True, id=provisional_id, label=key_label or provisional_id.hex(),
            private_template={pkcs11.Attribute.SENSITIVE: True, pkcs11.Attribute.EXTRACTABLE: False,
                              pkcs11.Attribute.SIGN: True}))
        try:
            public_key = _public_key_of(public, _CURVES_BY_NAME[_CURVE_NAMES[curve]]())
            key_id = key_id_for(public_key)
            _guarded(library, token_label, lambda: _name_key_pair((private, public), key_id, key_label or key_id.hex()))
        except BaseException:
            _destroy_quietly((private, public))
            raise
    return key_id, public_key


def destroy_key_pair(library: str | Path, token_label: str, user_pin: str, key_id: bytes) -> int:
    """Delete the private and public key objects with ``CKA_ID`` ``key_id`` from the token; how many there were.

    For undoing :func:`generate_private_key` when what was to follow it failed: a key no certificate
    was requested for is of no use, and a later key under a taken ID would be refused.
    """
    import pkcs11

    library = str(library)
    with _token_session(library, token_label, user_pin) as session:
        found = [o for c in (pkcs11.ObjectClass.PRIVATE_KEY, pkcs11.ObjectClass.PUBLIC_KEY)
                 for o in _guarded(library, token_label, lambda c=c: _objects(session, c, key_id))]
        for found_object in found:
            _guarded(library, token_label, found_object.destroy)
    return len(found)


def certificate_request(signer, public_key: ec.EllipticCurvePublicKey, subject) -> bytes:
    """A PEM certificate signing request (PKCS#10) for ``public_key``, signed by ``signer`` (ECDSA with SHA-256).

    ``subject`` is a :class:`cryptography.x509.Name`. For a key that is only in an HSM: the usual CSR
    builders need the private key in the process, so the request is assembled here and only its digest
    goes to the signer.
    """
    from asn1crypto import csr as asn1_csr, keys as asn1_keys, pem as asn1_pem, x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization as ser

    info = asn1_csr.CertificationRequestInfo({
        "version": "v1",
        "subject": asn1_x509.Name.load(subject.public_bytes()),
        "subject_pk_info": asn1_keys.PublicKeyInfo.load(
            public_key.public_bytes(ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo)),
        "attributes": [],
    })
    signature = signer(hashlib.sha256(info.dump()).digest())
    request = asn1_csr.CertificationRequest({
        "certification_request_info": info,
        "signature_algorithm": {"algorithm": "sha256_ecdsa"},
        "signature": signature,
    })
    return asn1_pem.armor("CERTIFICATE REQUEST", request.dump())


# ---- the module, the token login, the key --------------------------------------------------------------------

@dataclass
class _Module:
    """A loaded PKCS#11 module and the lock every call into it is made under (see the module's docstring)."""

    lib: object
    lock: threading.RLock = field(default_factory=threading.RLock)
    pid: int = field(default_factory=os.getpid)   # the process that initialised it (see the module's docstring)


_modules: dict[str, _Module] = {}
_modules_lock = threading.Lock()


def _load_library(library: str) -> _Module:
    try:
        import pkcs11
    except ImportError:
        raise HSMError("signing with an HSM needs the python-pkcs11 package: pip install 'recfin[hsm]' "
                       "(scripts/install installs it)") from None
    path = Path(library)
    if not path.is_file():
        raise HSMError(f"PKCS#11 library {library} not found: give the path of your HSM's PKCS#11 module "
                       f"(for SoftHSM2: apt-get install softhsm2, module {SOFTHSM2_LIBRARY})")
    # One .so reached through two paths (a symlink) would be initialised twice, which PKCS#11 refuses.
    real = os.path.realpath(path)
    _refuse_a_library_others_control(library)
    with _modules_lock:
        if real in _modules:
            _refuse_in_a_fork(_modules[real].pid, f"the PKCS#11 module {library}")
        else:
            # python-pkcs11 keeps one initialised module per path it was given: other code of the process may
            # have loaded this file through another path (a symlink, or the symlink's target), so use that one.
            same_file = [so for so in getattr(pkcs11, "_loaded", {}) if os.path.realpath(so) == real]
            try:
                _modules[real] = _Module(pkcs11.lib(same_file[0] if same_file else real))
            except pkcs11.PKCS11Error as error:
                raise HSMError(_why_not_loaded(library, real, error)) from None
        return _modules[real]


def _refuse_a_library_others_control(library: str) -> None:
    """Refuse a module another user could have replaced: loading it runs its code in this process, with the PIN and
    the keys' sessions. Every folder looked in, every symlink followed and the file reached in resolving the path
    (the file loaded) must be owned by you or root, and the folders and the file writable by no one else; a sticky
    folder (as /tmp) is let through, as in it no one else can rename or delete what you or root own."""
    for part, info in _entries_resolving(library):
        if info.st_uid not in (os.geteuid(), 0):
            if stat.S_ISLNK(info.st_mode):   # its owner can delete it and make another, naming another library
                raise HSMError(f"the PKCS#11 library {library} is not trusted: {part} is a symlink owned by user id "
                               f"{info.st_uid}, not by you ({os.geteuid()}) nor root, who could point it at another "
                               f"library; give the library's own path ({os.path.realpath(library)}) if it is "
                               "the one you mean")
            raise HSMError(f"the PKCS#11 library {library} is not trusted: {part} is owned by user id {info.st_uid}, "
                           f"not by you ({os.geteuid()}) nor root, and recfin would load the library into its process; "
                           "install the HSM's module where only you or root can change it (as its package does)")
        # a symlink's own permissions are never used; in a sticky folder no one else can replace what you or root own
        if stat.S_ISLNK(info.st_mode) or (stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX):
            continue
        if who := _writers_besides_owner(part, info):
            raise HSMError(f"the PKCS#11 library {library} is not trusted: {part} can be written by {who}, so "
                           "another user could replace the library recfin loads into its process; check the "
                           f"library, then chmod go-w {part}, or install the HSM's module where only you or root can "
                           "change it (as its package does)")


_MAX_SYMLINKS = 40   # as Linux follows at most, then fails with ELOOP


def _entries_resolving(path: str) -> Iterator[tuple[Path, os.stat_result]]:
    """Each entry the system reads in resolving path, in order, with its lstat: the folders looked in, each symlink
    (then what it points to, resolved the same way) and the file reached. Whoever can change one of them can change
    which file path opens."""
    folder = Path("/")
    yield folder, os.lstat(folder)
    remaining = list(Path(os.getcwd(), path).parts[1:])   # the working folder's own path has no symlink in it
    followed = 0
    while remaining:
        name = remaining.pop(0)
        if name == "..":   # folder has no symlink in its path, so its parent is where .. leads
            folder = folder.parent
            continue
        entry = folder / name
        info = os.lstat(entry)
        yield entry, info
        if not stat.S_ISLNK(info.st_mode):
            folder = entry
            continue
        followed += 1
        if followed > _MAX_SYMLINKS:
            raise HSMError(f"the PKCS#11 library {path} is not found: resolving it follows more than "
                           f"{_MAX_SYMLINKS} symlinks (a loop?); give the module's own path")
        target = Path(os.readlink(entry))
        if target.is_absolute():
            folder = Path("/")
        remaining[:0] = target.parts[1:] if target.is_absolute() else target.parts


# the POSIX ACL's binary form in the system.posix_acl_access attribute (linux/posix_acl_xattr.h)
_ACL_XATTR = "system.posix_acl_access"
_ACL_VERSION = 2
_ACL_USER, _ACL_GROUP_OBJ, _ACL_GROUP = 0x02, 0x04, 0x08
_ACL_WRITE = 0x02


def _writers_besides_owner(path: Path, info: os.stat_result) -> str | None:
    """Who besides its owner can write a file or folder (info is its stat), as an error says it, or None: others, a
    group that is not its owner's private group, or a user or such a group its POSIX ACL names (setfacl -m)."""
    mode = stat.filemode(info.st_mode)
    if info.st_mode & stat.S_IWOTH:
        return f"others ({mode})"
    # with an ACL the group bits are its mask, which caps what its named users and groups and the owner's group
    # may do: without write there, none of them can write
    if not info.st_mode & stat.S_IWGRP:
        return None
    try:
        acl = _access_acl(path)
    except ValueError as unreadable:
        return f"whoever its ACL names (which cannot be read: {unreadable})"
    for tag, permissions, qualifier in acl or [(_ACL_GROUP_OBJ, _ACL_WRITE, info.st_gid)]:
        if not permissions & _ACL_WRITE:
            continue
        if tag == _ACL_USER and qualifier not in (info.st_uid, 0):
            return f"user {_user_name(qualifier)} through its ACL ({mode}+)"
        if tag == _ACL_GROUP and not _is_private_group(qualifier, info.st_uid):
            return f"group {_group_name(qualifier)} through its ACL ({mode}+)"
        if tag == _ACL_GROUP_OBJ and not _is_private_group(info.st_gid, info.st_uid):
            return (f"its group {_group_name(info.st_gid)} ({mode}), which is not its owner's "
                    "private group")
    return None


def _access_acl(path: Path) -> list[tuple[int, int, int]] | None:
    """The entries (tag, permissions, user or group id) of path's POSIX ACL, or None when it has none; ValueError
    saying why when it cannot be read."""
    if not hasattr(os, "getxattr"):   # no POSIX ACLs outside Linux
        return None
    try:
        data = os.getxattr(path, _ACL_XATTR)
    except OSError as error:
        if error.errno in (errno.ENODATA, errno.ENOTSUP, errno.EOPNOTSUPP):   # none, or none on this filesystem
            return None
        raise ValueError(error.strerror or str(error)) from None
    if len(data) < 4 or (len(data) - 4) % 8 or struct.unpack_from("<I", data)[0] != _ACL_VERSION:
        raise ValueError(f"{len(data)} bytes not in version {_ACL_VERSION}'s form")
    return list(struct.iter_unpack("<HHI", data[4:]))


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"id {uid}"


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return f"id {gid}"


def _is_private_group(gid: int, uid: int) -> bool:
    """Whether group gid is user uid's private group: named as the user, and no other user is in it (as a
    supplementary member, or by having it as primary group). Debian's sshd lets such a group write a user's
    configuration (its user-group-modes rule): the group's write permission gives no one else anything."""
    try:
        group, owner = grp.getgrgid(gid), pwd.getpwuid(uid)
    except KeyError:   # a group or user without a name: nothing says the group is the user's alone
        return False
    if group.gr_name != owner.pw_name or set(group.gr_mem) - {owner.pw_name}:
        return False
    return all(user.pw_uid == uid for user in pwd.getpwall() if user.pw_gid == gid)


def _why_not_loaded(library: str, real: str, error: Exception) -> str:
    said = error or type(error).__name__
    if "already initiali" in str(error).lower() and real in _left_by_parent:
        return (f"the PKCS#11 module {library} cannot be initialised in this process ({os.getpid()}, PKCS#11: "
                f"{said}): process {_left_by_parent[real].pid} initialised it before this process was forked from "
                "it, and the module does not start afresh in a forked child. Load the module only after fork (make "
                "the HSMSignerFactory in each process that signs, never in their parent), or start the processes "
                "with the spawn method (multiprocessing.get_context('spawn')); SoftHSM2 starts afresh in a child "
                "with library.reset_on_fork = true in its configuration (SOFTHSM2_CONF)")
    prefix = f"cannot load {library} as a PKCS#11 module ({said}): "
    if "already initiali" not in str(error).lower():
        return prefix + "give the path of your HSM's PKCS#11 library"
    return prefix + (f"{real} is already initialised in this process by other code, which loaded it through another "
                     "path or another PKCS#11 binding: have that code and recfin load it through one path "
                     f"(python-pkcs11's pkcs11.lib({real!r})), or finalise it there first")


def _refuse_in_a_fork(pid: int, what: str) -> None:
    """Refuse to use, in a forked child, what the parent made (see the module's docstring)."""
    if os.getpid() != pid:
        raise HSMError(f"{what} was set up in process {pid}, and this process ({os.getpid()}) was forked from it: "
                       "PKCS#11 sessions, logins and the module's initialisation do not carry over a fork. "
                       "Make a new HSMSignerFactory in this process and its signers with new_signer")


_NOT_SENT = ("{what} cannot be sent to another process: make one there (HSMSignerFactory(library).new_signer(...)): "
             "PKCS#11 sessions and logins belong to the process that made them")

_left_by_parent: dict[str, _Module] = {}
"""The modules a parent process had loaded, by real path, kept referenced: the child never finalises them."""


def _after_fork_in_child() -> None:
    """Forget the parent's module and logins, so a factory made here initialises the module afresh; and take fresh
    locks, as another thread of the parent may have held these at the fork, and would never release them here."""
    global _modules, _modules_lock
    loaded = getattr(sys.modules.get("pkcs11"), "_loaded", {})   # python-pkcs11's modules by path
    for real, module in _modules.items():
        # python-pkcs11 would hand out the parent's initialised module again: it is forgotten there too, and kept
        # referenced here, as freeing it would call C_Finalize, which a child must not call first.
        _left_by_parent[real] = module
        for path in [path for path, lib in loaded.items() if lib is module.lib]:
            del loaded[path]
    _modules = {}
    _modules_lock = threading.Lock()
    _TokenLogin._all = {}
    _TokenLogin._all_lock = threading.Lock()


def _guarded(library: str, token_label: str, call):
    """``call()``, with the PKCS#11 errors a person can fix turned into :class:`HSMError` naming the fix."""
    import pkcs11

    where = f"token {token_label!r} of {library}"
    try:
        return call()
    except (pkcs11.PinIncorrect, pkcs11.PinInvalid, pkcs11.PinLenRange):
        raise HSMError(f"wrong user PIN for {where}: check the PIN (too many wrong tries lock the token)") from None
    except pkcs11.PinLocked:
        raise HSMError(f"the user PIN of {where} is locked after too many wrong tries: the token's security "
                       "officer must reset it (SoftHSM2: softhsm2-util --init-pin ... --so-pin ...)") from None
    except pkcs11.UserPinNotInitialized:
        raise HSMError(f"{where} has no user PIN yet: set one with the HSM's tool "
                       "(SoftHSM2: softhsm2-util --init-token sets both PINs)") from None
    except (pkcs11.TokenNotPresent, pkcs11.DeviceRemoved):
        raise HSMError(f"{where} is not present: plug in or reconnect the HSM, then make a new signer "
                       "(run the command again)") from None
    except (pkcs11.SessionHandleInvalid, pkcs11.SessionClosed, pkcs11.UserNotLoggedIn) as error:
        raise HSMError(f"{where} no longer knows this process's session or login (PKCS#11 {type(error).__name__}): "
                       "the HSM was disconnected or reset, or other PKCS#11 code of the process logged out or "
                       "finalised the module; reconnect the HSM and make a new signer (run the command again)"
                       ) from None
    except pkcs11.PKCS11Error as error:
        raise HSMError(f"{where}: PKCS#11 {type(error).__name__} {error}".rstrip()
                       + ": check the HSM (its connection and log) and try again") from None


def _close_ended_or_not(session) -> None:
    """Close a session the module may have ended already (token removed, module finalised): either way it is over.
    A module that fails the close of a removed token's session in general terms (GeneralError, DeviceError) is
    passed over too: the close is often in a ``finally``, and must not take the place of the error being raised."""
    import pkcs11

    try:
        session.close()
    except (pkcs11.SessionHandleInvalid, pkcs11.SessionClosed, pkcs11.TokenNotPresent, pkcs11.DeviceRemoved,
            pkcs11.UserNotLoggedIn, pkcs11.GeneralError, pkcs11.DeviceError):
        pass


def _attribute_or_none(key, attribute):
    import pkcs11

    try:
        return bool(key[attribute])
    except (pkcs11.AttributeTypeInvalid, pkcs11.AttributeSensitive):
        return None


def _name_key_pair(objects, key_id: bytes, label: str) -> None:
    """Set CKA_ID and CKA_LABEL of a new key pair, once its public point (hence its SKI) is known."""
    import pkcs11

    for key_object in objects:
        key_object[pkcs11.Attribute.ID] = key_id
        key_object[pkcs11.Attribute.LABEL] = label


def _destroy_quietly(objects) -> None:
    """Destroy what a failed step made; the step's own error is the one to report."""
    import pkcs11

    for key_object in objects:
        try:
            key_object.destroy()
        except pkcs11.PKCS11Error:
            pass


class _TokenLogin:
    """The user's login to one token, shared by every session of the process (see the module's docstring).

    It keeps the SHA-256 digest of the PIN the token checked when logging in: a later holder's PIN is compared
    with it (``hmac.compare_digest``), as the token itself would not check it again.
    """

    _all: dict[tuple[str, str], "_TokenLogin"] = {}
    _all_lock = threading.Lock()

    def __init__(self, key: tuple[str, str], module: _Module, token, session, pin: str) -> None:
        self.key, self.module, self.token, self._session = key, module, token, session
        self.pid = os.getpid()   # a forked child never uses, nor logs out, its parent's login
        self._pin_digest = hashlib.sha256(pin.encode()).digest()
        self._holders = 0

    @classmethod
    def acquire(cls, module: _Module, library: str, token_label: str, pin: str) -> "_TokenLogin":
        # Locks are taken in this order only: the logins', then the module's.
        _refuse_in_a_fork(module.pid, f"the PKCS#11 module {library}")
        _refuse_an_unusable_pin(pin, library, token_label)
        with cls._all_lock:
            with module.lock:
                token = _token(module.lib, library, token_label)
            key = (os.path.realpath(library), token.serial)
            login = cls._all.get(key)
            if login is not None:
                _refuse_in_a_fork(login.pid, f"the login to token {token_label!r} of {library}")
            if login is None:
                with module.lock:
                    session = _guarded(library, token_label, lambda: _log_in(token, pin, library, token_label))
                login = cls._all[key] = cls(key, module, token, session, pin)
            elif not hmac.compare_digest(login._pin_digest, hashlib.sha256(pin.encode()).digest()):
                # A token has one user PIN, and the token checked the one this process logged in with.
                raise HSMError(f"wrong user PIN for token {token_label!r} of {library}: this process is "
                               "logged in to it with a different PIN; check the PIN")
            login._holders += 1
            return login

    def release(self) -> None:
        if os.getpid() != self.pid:   # the parent's login, forgotten at the fork: the parent logs out, not this child
            return
        with self._all_lock:
            self._holders -= 1
            if self._holders > 0:
                return
            del self._all[self.key]
            with self.module.lock:
                _close_ended_or_not(self._session)   # logs the process out of the token


def _refuse_an_unusable_pin(pin: str, library: str, token_label: str) -> None:
    """HSMError, before the token is asked anything, for a PIN no token takes: an empty one (an unset
    variable read as ""), which would be tried on the token as a wrong PIN, or one that is not UTF-8 text:
    PKCS#11 takes PINs as UTF-8, and a PIN read in another encoding (a Latin-1 terminal or variable, whose
    bytes Python keeps as surrogates) would fail in the codec, whose error quotes a character of the PIN and
    its position."""
    if not pin:
        raise HSMError(f"no user PIN given for token {token_label!r} of {library} (an empty one: a variable "
                       "that is unset or empty?); nothing was tried on the token: give the token's user PIN")
    try:
        pin.encode()
    except UnicodeEncodeError:
        raise HSMError(f"the user PIN given for token {token_label!r} of {library} is not UTF-8 text "
                       "(it holds a byte of another encoding, as a Latin-1 terminal or environment gives), "
                       "and PKCS#11 takes PINs as UTF-8; nothing was tried on the token. Give the PIN from "
                       "a UTF-8 locale, or have the token's user PIN changed to UTF-8 text (the PIN is not "
                       "shown)") from None


def _log_in(token, pin: str, library: str, token_label: str):
    """A session that logs the process in to the token with ``pin``, which the token checks; closing it logs
    the process out.

    A token another PKCS#11 user of this process is logged in to would take any PIN here (a second login is
    answered "already logged in" without a look at it), and the PIN that logged in is unknown: refused.

    The session is opened, then logged in on (:class:`_LoginSession`): python-pkcs11's
    ``token.open(user_pin=...)`` leaves the session it opened open when the login fails, one more for each
    wrong PIN for as long as the process runs, and an HSM has only so many sessions to give.
    """
    import pkcs11

    session = token.open()
    try:
        return _LoginSession(session, library, pin)
    except BaseException as error:
        _close_ended_or_not(session)
        if isinstance(error, pkcs11.UserAlreadyLoggedIn):
            raise HSMError(f"token {token_label!r} of {library} is already logged in by other PKCS#11 code "
                           "of this process, so the PIN given cannot be checked (a token checks a PIN only "
                           "when logging in): have that code log out (close its sessions on the token) "
                           "before signers are made here") from None
        raise


class _LoginSession:
    """A public python-pkcs11 session the process logs in to the token on (``C_Login`` through the module's
    own function list: python-pkcs11 logs in only in opening a session, which it loses when the login fails).
    ``close()`` logs the process out (``C_Logout``), then closes the session."""

    _USER = 1   # CKU_USER

    def __init__(self, session, library: str, pin: str) -> None:
        self._session = session
        self._log_in, self._log_out = _login_functions(library)
        pin_bytes = pin.encode()
        _raise_for(self._log_in(session.handle, self._USER, pin_bytes, len(pin_bytes)))

    def close(self) -> None:
        try:
            _raise_for(self._log_out(self._session.handle))
        finally:
            self._session.close()


# The start of CK_FUNCTION_LIST (PKCS#11 2.40, pkcs11f.h) up to the calls _LoginSession makes: a CK_VERSION,
# then the functions' addresses in the standard's order.
_FUNCTION_NAMES = ("C_Initialize", "C_Finalize", "C_GetInfo", "C_GetFunctionList", "C_GetSlotList",
                   "C_GetSlotInfo", "C_GetTokenInfo", "C_GetMechanismList", "C_GetMechanismInfo",
                   "C_InitToken", "C_InitPIN", "C_SetPIN", "C_OpenSession", "C_CloseSession",
                   "C_CloseAllSessions", "C_GetSessionInfo", "C_GetOperationState", "C_SetOperationState",
                   "C_Login", "C_Logout")
_login_functions_by_path: dict[str, tuple] = {}


def _login_functions(library: str) -> tuple:
    """C_Login and C_Logout of the PKCS#11 module at library, from its C_GetFunctionList. Loading a file the
    process has loaded already gives the module already there: they are python-pkcs11's, on its sessions."""
    import ctypes

    real = os.path.realpath(library)
    if real not in _login_functions_by_path:
        class FunctionList(ctypes.Structure):
            _fields_ = [("version", ctypes.c_ubyte * 2),
                        *((name, ctypes.c_void_p) for name in _FUNCTION_NAMES)]

        listed = ctypes.POINTER(FunctionList)()
        _raise_for(ctypes.CDLL(real).C_GetFunctionList(ctypes.byref(listed)))
        ulong = ctypes.c_ulong   # CK_RV, CK_SESSION_HANDLE, CK_USER_TYPE and CK_ULONG are unsigned long
        _login_functions_by_path[real] = (
            ctypes.CFUNCTYPE(ulong, ulong, ulong, ctypes.c_char_p, ulong)(listed.contents.C_Login),
            ctypes.CFUNCTYPE(ulong, ulong)(listed.contents.C_Logout))
    return _login_functions_by_path[real]


def _raise_for(rv: int) -> None:
    """The python-pkcs11 exception for a return value of C_Login or C_Logout (none for CKR_OK), so that
    :func:`_guarded` and :func:`_close_ended_or_not` take it as they take python-pkcs11's own."""
    import pkcs11

    if rv == 0:
        return
    known = {0x05: pkcs11.GeneralError, 0x30: pkcs11.DeviceError, 0x32: pkcs11.DeviceRemoved,
             0xA0: pkcs11.PinIncorrect, 0xA1: pkcs11.PinInvalid, 0xA2: pkcs11.PinLenRange,
             0xA3: pkcs11.PinExpired, 0xA4: pkcs11.PinLocked, 0xB0: pkcs11.SessionClosed,
             0xB3: pkcs11.SessionHandleInvalid, 0xE0: pkcs11.TokenNotPresent,
             0x100: pkcs11.UserAlreadyLoggedIn, 0x101: pkcs11.UserNotLoggedIn,
             0x102: pkcs11.UserPinNotInitialized}
    error = known.get(rv)
    raise error() if error else pkcs11.PKCS11Error(f"CKR 0x{rv:08x}")


def _token(lib, library: str, token_label: str):
    if not token_label:   # an empty label would pick a free slot's uninitialised token
        raise HSMError("no token label given: name the token that holds the key")
    # guarded: the search reads every slot's token, so one removed from any slot fails it in PKCS#11's own words
    return _guarded(library, token_label, lambda: _token_labelled(lib, library, token_label))


def _token_labelled(lib, library: str, token_label: str):
    import pkcs11

    try:
        return lib.get_token(token_label=token_label)
    except pkcs11.NoSuchToken:
        labels = sorted(t.label for t in lib.get_tokens() if t.label)   # a free slot's token has no label
        there = f"its tokens: {', '.join(map(repr, labels))}" if labels else "it has no initialised token"
        raise HSMError(f"no token labelled {token_label!r} in {library} ({there}): give one of those labels, "
                       "or initialise a token (SoftHSM2: softhsm2-util --init-token --free --label ...)") from None
    except pkcs11.MultipleTokensReturned:
        raise HSMError(f"several tokens in {library} are labelled {token_label!r}: relabel all but one") from None


@contextmanager
def token_login(library: str | Path, token_label: str, user_pin: str) -> Iterator[None]:
    """Keep the process logged in to the token for the ``with`` block: the signers, imports, key generations and
    deletions on the token inside it share this one login, so the token checks the PIN once.

    Without it, each of them logs in (and out) on its own, and a wrong PIN is tried, and counted towards locking
    the token, once for each. A wrong PIN fails here, before anything else is asked of the token.
    """
    library = str(library)
    login = _TokenLogin.acquire(_load_library(library), library, token_label, user_pin)
    try:
        yield
    finally:
        login.release()


@contextmanager
def _token_session(library: str, token_label: str, user_pin: str) -> Iterator[object]:
    """A read-write session on the token, logged in, for storing or making keys; the module's lock is held."""
    module = _load_library(library)
    login = _TokenLogin.acquire(module, library, token_label, user_pin)
    try:
        with module.lock:
            session = _guarded(library, token_label, lambda: login.token.open(rw=True))
            try:
                yield session
            finally:
                _close_ended_or_not(session)
    finally:
        login.release()


def _objects(session, object_class, key_id: bytes | None = None, label: str | None = None) -> list:
    import pkcs11

    wanted = {pkcs11.Attribute.CLASS: object_class}
    if key_id is not None:
        wanted[pkcs11.Attribute.ID] = key_id
    if label is not None:
        wanted[pkcs11.Attribute.LABEL] = label
    return list(session.get_objects(wanted))


def _find_private_key(session, options: HSMSignerOptions, library: str):
    import pkcs11

    found = _objects(session, pkcs11.ObjectClass.PRIVATE_KEY, options.key_id_bytes, options.key_label)
    if len(found) == 1:
        return found[0]
    where = f"token {options.token_label!r} of {library}"
    if found:
        # a key ID that several keys share tells none apart: only deleting the extra ones does
        remedy = ("delete the extra ones with the HSM's tool" if options.key_id is not None
                  else "give the key's key_id (CKA_ID), which tells them apart")
        raise SeveralKeysMatch(f"{len(found)} private keys in {where} match {options.describe_key()}: {remedy}")
    keys = _objects(session, pkcs11.ObjectClass.PRIVATE_KEY)
    held = [f"CKA_ID {k[pkcs11.Attribute.ID].hex()}" + (f" label {k.label!r}" if k.label else "")
            for k in keys]
    if _hex_text_of_one_of(options.key_id, [k[pkcs11.Attribute.ID] for k in keys]):
        # the hex recfin prints and hsm-signer.yaml holds, given as text: "give one of those" would read as
        # "give what you gave"
        raise KeyNotFound(f"no private key with {options.describe_key()} in {where}: key_id was given as "
                          "text, which is taken as its UTF-8 bytes (as the official clients' identifier is), "
                          "and that text is the hex of the CKA_ID of a key there; pass "
                          f"bytes.fromhex({options.key_id!r})")
    if not held:
        raise KeyNotFound(f"no private key with {options.describe_key()} in {where}, which holds no private key: "
                       "import the user's key (recfin hsm import) or make one there (recfin hsm generate)")
    raise KeyNotFound(f"no private key with {options.describe_key()} in {where} (its private keys: {'; '.join(held)}): "
                   "give one of those, or import the user's key (recfin hsm import)")


def _hex_text_of_one_of(key_id: bytes | str | None, key_ids: list[bytes]) -> bool:
    """Whether ``key_id`` is text spelling in hex one of ``key_ids``."""
    if not isinstance(key_id, str):
        return False
    try:
        return bytes.fromhex(key_id) in key_ids
    except ValueError:
        return False


# The way on from a key Fabric cannot verify. Importing keeps the user's key's own CKA_ID, so a key under that
# ID (the refused one, as often as not) is in the way until deleted; a key made in the token has an ID of its
# own, and a certificate is issued for it only to a new user (a name is issued once).
_A_KEY_FABRIC_VERIFIES = (
    "Sign with a P-256 or P-384 key: import the user's keystore key (recfin hsm import; first delete this "
    "key with the HSM's tool if it holds that key's CKA_ID), or make one in the token (recfin hsm generate "
    "--curve P-256 or --curve P-384) and have the org's CA issue a new user's certificate for it (recfin org "
    "user add ORG USER --csr FILE, then recfin hsm link)")


def _curve_of(key, options: HSMSignerOptions) -> ec.EllipticCurve:
    import pkcs11
    from asn1crypto.keys import ECDomainParameters

    key_type = key[pkcs11.Attribute.KEY_TYPE]
    what = f"the key with {options.describe_key()} in token {options.token_label!r}"
    if key_type != pkcs11.KeyType.EC:
        raise HSMError(f"{what} is {getattr(key_type, 'name', key_type)}, not EC: Fabric client identities "
                       f"sign with ECDSA P-256 or P-384. {_A_KEY_FABRIC_VERIFIES}")
    parameters = ECDomainParameters.load(key[pkcs11.Attribute.EC_PARAMS])
    name = parameters.chosen.native if parameters.name == "named" else None
    if name not in _CURVES_BY_NAME:
        raise HSMError(f"{what} is on curve {name or 'with explicit parameters'}, "
                       f"not P-256 or P-384, which Fabric's MSPs verify. {_A_KEY_FABRIC_VERIFIES}")
    return _CURVES_BY_NAME[name]()


def _public_key_of(public_object, curve: ec.EllipticCurve) -> ec.EllipticCurvePublicKey:
    import pkcs11
    from asn1crypto.core import OctetString

    point = public_object[pkcs11.Attribute.EC_POINT]
    try:   # DER OCTET STRING as the standard says; some modules store the raw point
        point = bytes(OctetString.load(point))
    except ValueError:
        pass
    return ec.EllipticCurvePublicKey.from_encoded_point(curve, point)


def _same_public_key(a: ec.EllipticCurvePublicKey, b: ec.EllipticCurvePublicKey) -> bool:
    encoding = (serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return a.public_bytes(*encoding) == b.public_bytes(*encoding)


os.register_at_fork(after_in_child=_after_fork_in_child)
