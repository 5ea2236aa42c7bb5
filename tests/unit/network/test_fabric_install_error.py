"""Where the Fabric tools are missing because scripts/install-fabric failed, what needs them says why it failed (the
reason it recorded in .fabric/install-error.txt), not only that the file exists."""
import pytest

from cli.main import main
from network.errors import MissingBinariesError
from network.fabric_bin import FabricInstall, _said_once, recorded_install_error

from ..cli_errors import error_line, invoke

REASON = ("go install of Fabric 86c1172bec37e6590c6b1ae6f847833df48d65fc failed: go: reading "
          "https://proxy.golang.org/github.com/hyperledger/fabric/cmd/peer/@v/86c1172.info: 403 Forbidden")
WHAT_TO_DO = "What to do: the Go module proxy in 'go env GOPROXY' must serve github.com/hyperledger/fabric at that commit"


@pytest.fixture
def failed_install(tmp_path, monkeypatch):
    """A .fabric folder as a failed scripts/install-fabric leaves it: no tools, the reason and what to do recorded."""
    home = tmp_path / "fabric"
    home.mkdir()
    (home / "install-error.txt").write_text(f"{REASON}\n{WHAT_TO_DO}\n")
    monkeypatch.setenv("RECFIN_FABRIC_HOME", str(home))
    monkeypatch.delenv("RECFIN_FABRIC_BIN", raising=False)
    monkeypatch.delenv("RECFIN_FABRIC_CFG", raising=False)
    return home


def test_the_missing_tools_error_quotes_the_recorded_reason_on_one_line(failed_install):
    with pytest.raises(MissingBinariesError) as err:
        FabricInstall.locate().require()
    message = str(err.value)
    assert message.endswith(f": run scripts/install-fabric (its last run failed: {REASON}; more in "
                            f"{failed_install / 'install-error.txt'})")
    assert WHAT_TO_DO not in message and "\n" not in message


def test_recfin_demo_without_fabric_says_why_its_install_failed(failed_install, tmp_path, monkeypatch):
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RECFIN_TOPOLOGY", raising=False)
    result = invoke(main, "demo")
    assert result.exit_code == 1
    assert f"(its last run failed: {REASON}; " in error_line(result)


def test_no_recorded_failure_is_none(tmp_path):
    assert recorded_install_error(tmp_path) is None                # install-fabric never ran, or succeeded
    (tmp_path / "install-error.txt").write_text("\n")
    assert recorded_install_error(tmp_path) is None
    (tmp_path / "install-error.txt").write_text(f"{REASON}\n{WHAT_TO_DO}\n")
    assert recorded_install_error(tmp_path) == f"{REASON}\n{WHAT_TO_DO}"


# What go prints when the proxy refuses the pinned commit: each wrapped error prefixed with the package at the version.
PACKAGE = "github.com/hyperledger/fabric/cmd/peer"
COMMIT = "86c1172bec37e6590c6b1ae6f847833df48d65fc"
PROXY_ERROR = f"reading https://proxy.golang.org/{PACKAGE}/@v/{COMMIT}.info: 403 Forbidden"
GO_CHAIN = f"go install of Fabric {COMMIT} failed: go: {PACKAGE}@{COMMIT}: {PACKAGE}@{COMMIT}: invalid version: {PROXY_ERROR}"


def test_a_package_go_repeats_is_named_once_with_the_proxy_error_quoted_whole(failed_install):
    (failed_install / "install-error.txt").write_text(f"{GO_CHAIN}\n{WHAT_TO_DO}\n")
    with pytest.raises(MissingBinariesError) as err:
        FabricInstall.locate().require()
    message = str(err.value)
    assert message.count(PACKAGE) == 1 and message.count(PROXY_ERROR) == 1
    assert message.count("run scripts/install-fabric") == 1
    assert message.endswith(f": run scripts/install-fabric (its last run failed: go install of Fabric {COMMIT} failed: "
                            f"go: invalid version: {PROXY_ERROR}; more in {failed_install / 'install-error.txt'})")
    assert GO_CHAIN in (failed_install / "install-error.txt").read_text()   # the file keeps go's words


def test_a_package_named_nowhere_else_in_the_chain_is_kept_once():
    unknown = f"go: {PACKAGE}@{COMMIT}: {PACKAGE}@{COMMIT}: unknown revision {COMMIT}"
    assert _said_once(unknown) == f"go: {PACKAGE}@{COMMIT}: unknown revision {COMMIT}"
    upper = "go: github.com/Azure/x@v1.2.3: reading https://proxy.golang.org/github.com/!azure/x/@v/v1.2.3.info: 404"
    assert _said_once(upper) == "go: reading https://proxy.golang.org/github.com/!azure/x/@v/v1.2.3.info: 404"
