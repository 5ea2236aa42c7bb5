"""A reference provider's file was read whole up to the 1 GiB of any file a person hands the tools: every record is
held, so a file of 1 GiB took minutes and gigabytes before a lookup was answered (16 MiB, some 50,000 invoices,
already takes seconds). One over MAX_REFERENCE_BYTES is refused, naming the file and what to do."""

import pytest

from client.invoices import MalformedInput, ReferenceBusinessRegistry, ReferenceCreditBureau, ReferenceTaxInvoiceVerifier
from client.invoices.sources import MAX_REFERENCE_BYTES, REFERENCE_DATA

PROVIDERS = [(ReferenceTaxInvoiceVerifier, "tax_invoices.json"), (ReferenceBusinessRegistry, "business_registry.csv"),
             (ReferenceCreditBureau, "credit_bureau.json")]
# a record each shipped reference file holds, asked of a provider of it
LOOKUPS = {
    ReferenceTaxInvoiceVerifier: lambda p: p.lookup_invoice("26442000000012345678", "91440300MA5G2HT8LX", ""),
    ReferenceBusinessRegistry: lambda p: p.lookup_enterprise("91440300MA5F7KQ3XU"),
    ReferenceCreditBureau: lambda p: p.lookup_credit("91440300MA5F7KQ3XU"),
}


def padded(tmp_path, name: str, size: int):
    """The reference file ``name`` grown to ``size`` bytes with line breaks after its records, which every reader
    passes over: the same records, a larger file."""
    data = (REFERENCE_DATA / name).read_bytes()
    path = tmp_path / name
    path.write_bytes(data + b"\n" * (size - len(data)))
    return path


@pytest.mark.parametrize("provider, name", PROVIDERS)
def test_a_reference_file_over_the_bound_is_refused_saying_what_to_do(tmp_path, provider, name):
    path = padded(tmp_path, name, MAX_REFERENCE_BYTES + 1)
    with pytest.raises(MalformedInput) as refused:
        provider(path)
    assert str(refused.value) == (
        f"{path}: over 16 MiB, far larger than such a file could be: is it the right file? A reference provider's "
        "file holds local data for trying the platform; serve a larger data set through a provider of its own, as "
        "a real source is")


@pytest.mark.parametrize("provider, name", PROVIDERS)
def test_a_reference_file_at_the_bound_is_read(tmp_path, provider, name):
    at_the_bound = provider(padded(tmp_path, name, MAX_REFERENCE_BYTES))
    shipped = LOOKUPS[provider](provider())
    assert shipped is not None                                   # the record asked is one the file holds
    assert LOOKUPS[provider](at_the_bound) == shipped             # read whole: the same records as the file unpadded
