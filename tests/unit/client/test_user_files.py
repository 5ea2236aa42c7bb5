"""Every tool that reads a file a person names words a bad file the same way, and says what to do."""
from pathlib import Path

import pytest

from client.invoices.errors import MalformedInput
from client.invoices.sources import ReferenceBusinessRegistry, ReferenceCreditBureau
from client.pricing.config import PricingConfigError, load_bank_config
from client.user_files import UTF8_ADVICE, UTF16_ADVICE, UTF32_ADVICE, UnreadableFile, read_regular_file, read_user_bytes, read_user_text
from client.yaml_files import read_yaml_file


def test_utf8_text_loses_the_byte_order_mark_excel_writes(tmp_path):
    path = tmp_path / "po.csv"
    path.write_bytes("\ufeffnumber,品名\n".encode("utf-8"))
    assert read_user_text(path) == "number,品名\n"


def test_gbk_text_is_refused_with_how_to_convert_it(tmp_path):
    path = tmp_path / "po.csv"
    path.write_bytes("number,品名\n".encode("gbk"))
    with pytest.raises(UnreadableFile) as caught:
        read_user_text(path)
    assert caught.value.path == str(path)
    assert caught.value.problem == f"not UTF-8 text: {UTF8_ADVICE}"
    assert str(caught.value) == f"{path}: not UTF-8 text: {UTF8_ADVICE}"


@pytest.mark.parametrize("encoding, advice, iconv", [
    *[(encoding, UTF16_ADVICE, "iconv -f UTF-16 -t UTF-8") for encoding in ("utf-16", "utf-16-le", "utf-16-be")],
    # UTF-32's little-endian mark begins with UTF-16's: converting it as UTF-16 gives text of NUL characters
    *[(encoding, UTF32_ADVICE, "iconv -f UTF-32 -t UTF-8") for encoding in ("utf-32", "utf-32-le", "utf-32-be")],
])
def test_unicode_text_other_than_utf8_is_told_its_own_conversion_not_gbk(tmp_path, encoding, advice, iconv):
    path = tmp_path / "po.csv"
    # Excel's "Unicode Text" writes the byte-order mark itself; the plain "utf-16" and "utf-32" codecs add one already
    mark = "" if encoding in ("utf-16", "utf-32") else "\ufeff"
    path.write_bytes((mark + "number,品名\n").encode(encoding))
    with pytest.raises(UnreadableFile) as caught:
        read_user_text(path)
    assert caught.value.problem == f"not UTF-8 text: {advice}"
    assert iconv in str(caught.value)


@pytest.mark.parametrize("name", ["missing.json", "."])
def test_a_missing_file_or_a_folder_names_the_os_reason(tmp_path, name):
    path = tmp_path / name
    with pytest.raises(UnreadableFile, match=r"cannot read file: (No such file or directory|Is a directory)"):
        read_user_bytes(path)


def test_a_device_or_a_fifo_is_refused_before_it_is_read(tmp_path):
    """/dev/zero would be read until memory ran out; a FIFO would wait for a writer that may never come."""
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path, kind in (("/dev/zero", "a device"), (fifo, "a FIFO")):
        with pytest.raises(UnreadableFile, match=f"it is {kind}, not a file: give the path of the file itself"):
            read_user_bytes(path)


def test_bytes_are_returned_as_they_are(tmp_path):
    path = tmp_path / "scan.png"
    path.write_bytes(b"\x89PNG\xff\xfe")
    assert read_user_bytes(path) == b"\x89PNG\xff\xfe"


def test_reference_sources_in_gbk_are_refused_as_malformed_input(tmp_path):
    registry = tmp_path / "business_registry.csv"
    registry.write_bytes("credit_code,name\n91440300MA5F7KQ3XU,深圳\n".encode("gbk"))
    with pytest.raises(MalformedInput, match="not UTF-8 text"):
        ReferenceBusinessRegistry(registry)
    bureau = tmp_path / "credit_bureau.json"
    bureau.write_bytes('{"records": [{"name": "深圳"}]}'.encode("gbk"))
    with pytest.raises(MalformedInput, match="not UTF-8 text"):
        ReferenceCreditBureau(bureau)


def test_a_bank_config_in_gbk_names_the_file_and_the_fix(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_bytes("bank: 示例银行\n".encode("gbk"))
    with pytest.raises(PricingConfigError) as caught:
        load_bank_config(path)
    assert str(caught.value) == f"{path}: not UTF-8 text: {UTF8_ADVICE}"


def test_a_kernel_setting_that_refuses_one_large_read_is_read_whole():
    """The kernel answers a read of a /proc/sys file as large as the cap with ENOMEM."""
    ostype = Path("/proc/sys/kernel/ostype")
    if not ostype.is_file():
        pytest.skip("no /proc/sys here")
    expected = ostype.read_bytes()
    assert read_user_bytes(ostype) == expected
    assert read_yaml_file(ostype, "a topology") == expected.decode().strip()


@pytest.mark.parametrize("size, limit, read", [
    (200_000, 100_000, 100_001),      # past the limit: one byte more says it is too large, and no more is read
    (200_000, 199_999, 200_000),
    (200_000, 200_000, 200_000),      # at the limit: all of it
    (65_536, 1_000_000, 65_536),      # a whole chunk, then the end
    (0, 10, 0),
])
def test_a_file_is_read_to_its_end_or_to_one_byte_past_the_limit(tmp_path, size, limit, read):
    path = tmp_path / "f"
    path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    assert read_regular_file(path, limit) == path.read_bytes()[:read]
