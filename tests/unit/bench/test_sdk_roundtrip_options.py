"""`python -m bench.sdk_roundtrip`'s options, refused before the network is asked."""
from click.testing import CliRunner

from bench import sdk_roundtrip


def test_sdk_roundtrip_refuses_a_call_timeout_above_a_year_before_the_network_is_asked(monkeypatch):
    asked = []
    monkeypatch.setattr(sdk_roundtrip, "running_network", lambda *args: asked.append(args))
    result = CliRunner().invoke(sdk_roundtrip.main, ["--call-timeout", "1e9", "--demo-runs", "0"])
    assert result.exit_code == 2, result.output
    assert "'--call-timeout'" in result.output and "31536000" in result.output
    assert asked == []
