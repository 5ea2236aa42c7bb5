"""What every request that can be signed elsewhere shares: its bytes, its digest, its signature.

Proposals, transactions, commits and event requests are all a protobuf
message with a part that is signed: some bytes and a ``signature`` beside
them. Offline signing is the same for each: hand ``digest`` to a signer,
rebuild the object from ``bytes`` and the signature with the Gateway's
``new_signed_*`` method. Sent without a signature, the object is signed by
the Gateway's own signer.
"""

from __future__ import annotations

from typing import ClassVar

from google.protobuf.message import Message

from ._context import Context


class Signable:
    """A request signed on demand. Subclasses say where its signed part is.

    ``_message_type`` is the protobuf type of ``bytes``; ``_signed_part()`` is
    the sub-message holding ``signature`` and the signed bytes, in the field
    named ``_signed_field``.
    """

    _message_type: ClassVar[type[Message]]
    _signed_field: ClassVar[str]

    def __init__(self, context: Context, message: Message) -> None:
        self._context = context
        self._message = message

    @classmethod
    def _rebuild(cls, context: Context, data: bytes, signature: bytes | None = None, **options) -> "Signable":
        """The object behind ``data`` (its ``bytes``), with the signature of its ``digest`` if given."""
        rebuilt = cls(context, cls._message_type.FromString(data), **options)
        if signature is not None:
            rebuilt._signed_part().signature = signature
        return rebuilt

    def _signed_part(self) -> Message:
        return self._message

    @property
    def bytes(self) -> bytes:
        """The serialized message: store it or pass it on, and rebuild it with the Gateway's ``new_*`` methods."""
        return self._message.SerializeToString()

    @property
    def digest(self) -> bytes:
        """What a signer must sign: the hash of the signed part's bytes."""
        return self._context.signing.digest(getattr(self._signed_part(), self._signed_field))

    @property
    def signature(self) -> bytes:
        """The signature given or made so far; empty until the object is signed."""
        return self._signed_part().signature

    def _signed(self):
        """The message, signed by the Gateway's signer unless it carries a signature already."""
        part = self._signed_part()
        if not part.signature:
            part.signature = self._context.signing.sign(getattr(part, self._signed_field))
        return self._message
