"""The id Fabric's cid library forms for a caller from its X.509 certificate (``x509::<subject DN>::<issuer DN>``),
and the check that text is such an id.

The peer protocol (``chaincode.shim``) names a transaction's caller with it, the receivables contract refuses to bind
any other text to a party, and the SDK forms the id an admin binds: all three use these functions, and none of them
loads the runtime, so a client process checking an id imports neither the shim nor Fabric's protos.
"""

from __future__ import annotations

import unicodedata

from cryptography import x509
from cryptography.x509.oid import NameOID


# The attribute types Go's pkix.Name keeps, in the order its ToRDNSequence emits them.
_DN_ORDER = (
    (NameOID.COUNTRY_NAME, "C"),
    (NameOID.STATE_OR_PROVINCE_NAME, "ST"),
    (NameOID.LOCALITY_NAME, "L"),
    (NameOID.STREET_ADDRESS, "STREET"),
    (NameOID.POSTAL_CODE, "POSTALCODE"),
    (NameOID.ORGANIZATION_NAME, "O"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "OU"),
    (NameOID.COMMON_NAME, "CN"),
    (NameOID.SERIAL_NUMBER, "SERIALNUMBER"),
)
_DN_SPECIAL = set(',+"\\<>;')


def _escape_dn_value(value: str) -> str:
    escaped = []
    for index, char in enumerate(value):
        at_edge = (index == 0 and char in " #") or (index == len(value) - 1 and char == " ")
        escaped.append("\\" + char if at_edge or char in _DN_SPECIAL else char)
    return "".join(escaped)


def fabric_dn(name: x509.Name) -> str:
    """A DN as Fabric's Go cid library writes it: Go's canonical attribute order, reversed, RFC 2253 escaping.

    Go rebuilds the name from the fields it knows (so the certificate's own
    attribute order does not matter, and other attribute types are left out);
    values of one type share an RDN, joined with ``+``.
    """
    rdns = []
    for oid, label in _DN_ORDER:
        values = [str(attribute.value) for attribute in name.get_attributes_for_oid(oid)]
        if oid in (NameOID.COMMON_NAME, NameOID.SERIAL_NUMBER):
            values = values[-1:]  # pkix.Name holds one common name and serial number: the last one parsed
        if values:
            rdns.append("+".join(f"{label}={_escape_dn_value(value)}" for value in values))
    return ",".join(reversed(rdns))


def x509_client_id(certificate: x509.Certificate) -> str:
    """``x509::<subject DN>::<issuer DN>`` as Fabric's cid library forms it (before its base64 step): the id the
    contract binds to parties. Clients form it with this same function, so the two can never spell it apart."""
    return f"x509::{fabric_dn(certificate.subject)}::{fabric_dn(certificate.issuer)}"


# fabric_dn's attribute labels, each ranked by its place in the DN it writes (most specific first: CN before C)
_DN_RANK = {label: rank for rank, (_, label) in enumerate(reversed(_DN_ORDER))}
_ONE_VALUE_LABELS = {"CN", "SERIALNUMBER"}


def _split_unescaped(text: str, separator: str) -> list[str]:
    """``text`` cut at each ``separator`` not escaped by a backslash (the escapes stay in the parts)."""
    parts, start, index = [], 0, 0
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == separator:
            parts.append(text[start:index])
            start = index + 1
        index += 1
    parts.append(text[start:])
    return parts


def _dn_value_problem(escaped: str) -> str | None:
    """Why ``escaped`` is no value as :func:`_escape_dn_value` writes one, or None."""
    chars = []   # (character, escaped?)
    index = 0
    while index < len(escaped):
        if escaped[index] == "\\":
            if index + 1 == len(escaped):
                return "it ends in a lone backslash"
            chars.append((escaped[index + 1], True))
            index += 2
        else:
            chars.append((escaped[index], False))
            index += 1
    for position, (char, was_escaped) in enumerate(chars):
        at_edge = (position == 0 and char in " #") or (position == len(chars) - 1 and char == " ")
        if was_escaped and not (at_edge or char in _DN_SPECIAL):
            return f"{char!r} is escaped, which only , + \" \\ < > ; and a leading space or # are"
        if not was_escaped and (at_edge or char in _DN_SPECIAL):
            return f"{char!r} is not escaped with a backslash"
    return None


def _dn_problem(dn: str, *, may_be_empty: bool = False) -> str | None:
    """Why ``dn`` is no DN as :func:`fabric_dn` writes one, or None. Empty is one only where ``may_be_empty``: a
    subject may hold none of its labels (RFC 5280 lets a certificate name its holder in subjectAltName alone),
    an issuer, a CA, names itself."""
    if not dn:
        return None if may_be_empty else "it is empty"
    last_rank = -1
    for rdn in _split_unescaped(dn, ","):
        labels = set()
        attributes = _split_unescaped(rdn, "+")
        for attribute in attributes:
            label, equals, value = attribute.partition("=")
            if not equals or label not in _DN_RANK:
                return (f"{attribute[:40]!r} is no LABEL=value of {', '.join(_DN_RANK)}" if attribute
                        else "it has an empty part between separators")
            if (why := _dn_value_problem(value)) is not None:
                return f"in {attribute[:40]!r}, {why}"
            labels.add(label)
        if len(labels) > 1:
            return f"{rdn[:40]!r} joins different labels with '+'"
        label = labels.pop()
        if label in _ONE_VALUE_LABELS and len(attributes) > 1:
            return f"it has more than one {label}"
        if _DN_RANK[label] <= last_rank:
            return f"{label} comes out of order (the order is {', '.join(_DN_RANK)}, each once)"
        last_rank = _DN_RANK[label]
    return None


def client_id_as_sent(sent: str) -> str:
    """The client id a caller names with ``sent``: trimmed of surrounding white space (an id pasted from a table
    column or a wrapped line), but for the space a certificate's own id ends in. An issuer DN whose last value
    ends in a space ends the id in that space, escaped (``O=Org\\ ``): trimmed off, it would leave a lone
    backslash, no certificate's id, and no user of such a CA's org could be named."""
    trimmed = sent.strip()
    after = sent[len(sent) - len(sent.lstrip()) + len(trimmed):]
    if after.startswith(" ") and client_id_problem(trimmed) is not None and client_id_problem(trimmed + " ") is None:
        return trimmed + " "
    return trimmed


def client_id_problem(client_id: str) -> str | None:
    """Why ``client_id`` is no id :func:`x509_client_id` forms from any certificate, or None when it is one.

    Such text can never be a caller's id: bound to a party, it would act for no one. A DN holds the labels
    ``fabric_dn`` writes, in its order, each value escaped as it escapes them. Text holding a control
    character or a line or paragraph separator (an id copied from a wrapped line, say) is refused as well."""
    read = _subject_and_issuer(client_id)
    return read if isinstance(read, str) else None


def subject_values(client_id: str, label: str) -> list[str] | None:
    """The values of ``label`` (``OU``, ``CN``, ...) in the subject DN of ``client_id``, each as its certificate
    holds it (backslash escapes taken off), in the id's order; None when ``client_id`` is no id a certificate
    presents (``client_id_problem``). The issuer's values are never among them: an id's subject is cut from its
    issuer where ``client_id_problem`` cuts it, at the first ``::`` that leaves a DN on each side (an id read more
    than one way: ``subject_values_of_every_reading``)."""
    read = _subject_and_issuer(client_id)
    if isinstance(read, str):
        return None
    subject, _ = read
    return _values_of(subject, label)


def _unescaped(value: str) -> str:
    """A DN value :func:`_escape_dn_value` wrote, as the certificate holds it: each backslash escape taken off."""
    chars, index = [], 0
    while index < len(value):
        if value[index] == "\\":
            index += 1
        chars.append(value[index])
        index += 1
    return "".join(chars)


def subject_values_of_every_reading(client_id: str, label: str) -> list[list[str]]:
    """The values of ``label`` in the subject DN of ``client_id`` as each of its readings has them
    (``subject_values`` takes the first): none when ``client_id`` is no id a certificate presents.

    A DN value may hold ``::``, so one id can be read more than one way: ``x509::CN=u,OU=orderer+OU=client::OU=x``
    ``::CN=ca,O=Org`` (one id) is that of a subject with the OUs ``orderer`` and ``client::OU=x`` (an orderer's,
    where the MSP names that role), and of one with ``orderer`` and ``client`` whose issuer's OU is ``x::CN=ca``.
    Who reads an id alone cannot tell which certificate presents it."""
    read = _readings(client_id)
    if isinstance(read, str):
        return []
    return [_values_of(subject, label) for subject, _ in read]


def _values_of(subject: str, label: str) -> list[str]:
    return [_unescaped(attribute[len(label) + 1:]) for rdn in (_split_unescaped(subject, ",") if subject else [])
            for attribute in _split_unescaped(rdn, "+") if attribute.startswith(f"{label}=")]


def _subject_and_issuer(client_id: str) -> tuple[str, str] | str:
    """The subject and issuer DNs of ``client_id``, cut at the first ``::`` that leaves a DN on each side (a DN
    value may hold ``::`` itself), or why ``client_id`` is no id a certificate presents."""
    read = _readings(client_id, first_only=True)
    return read if isinstance(read, str) else read[0]


def _readings(client_id: str, *, first_only: bool = False) -> list[tuple[str, str]] | str:
    """The (subject DN, issuer DN) of each cut of ``client_id`` at a ``::`` that leaves a DN on each side, first cut
    first (only that one where ``first_only``), or why ``client_id`` is no id a certificate presents."""
    if (odd := next((c for c in client_id if unicodedata.category(c) in ("Cc", "Zl", "Zp")), None)) is not None:
        return f"it holds {odd!r} (U+{ord(odd):04X}): an id is one line of text, copy it whole"
    if not client_id.startswith("x509::"):
        return "it does not start with x509::"
    dns = client_id[len("x509::"):]
    problems, readings = [], []
    for cut in (index for index in range(len(dns)) if dns.startswith("::", index)):
        subject, issuer = dns[:cut], dns[cut + 2:]
        if (why := _dn_problem(subject, may_be_empty=True)) is not None:
            problems.append(f"its subject DN: {why}")
        elif (why := _dn_problem(issuer)) is not None:
            problems.append(f"its issuer DN: {why}")
        else:
            readings.append((subject, issuer))
            if first_only:
                break
    if readings:
        return readings
    return problems[0] if problems else "it has no :: between the subject DN and the issuer DN"
