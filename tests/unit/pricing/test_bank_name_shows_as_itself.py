"""The bank's name in its pricing settings labels every offer it quotes (its financier and offer id) and every row
of a quote: blank, it labels them with nothing; with a line break, a quote's table shows a second line that reads
as a row of its own; with a space at either end, it shows as another bank's name. Each is refused when the file
is read, naming the field and showing the name as it is."""
import pytest

from client.pricing import PricingConfigError, bank_config_path, load_bank_config

SHIPPED = bank_config_path("bank").read_text(encoding="utf-8")


@pytest.mark.parametrize("name,shown", [
    ('" "', "' '"),
    ('"bank\\nfinanced: yes"', "'bank\\nfinanced: yes'"),
    ('"bank "', "'bank '"),
    ('"\\u3000bank"', "'\\u3000bank'"),
])
def test_a_bank_name_that_does_not_show_as_itself_is_refused(tmp_path, name, shown):
    path = tmp_path / "bank.yaml"
    path.write_text(SHIPPED.replace("bank: bank", f"bank: {name}", 1), encoding="utf-8")
    with pytest.raises(PricingConfigError) as refused:
        load_bank_config(path)
    message = str(refused.value)
    assert message.startswith(f"bank.yaml: bank: {shown} ") and "\n" not in message
    assert "as it appears on offers" in message


def test_a_name_with_inner_spaces_and_chinese_characters_is_kept(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text(SHIPPED.replace("bank: bank", "bank: 示例 银行", 1), encoding="utf-8")
    assert load_bank_config(path).bank == "示例 银行"
