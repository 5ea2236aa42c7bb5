"""`recfin events` and the SDK's events past payloads that are valid JSON to Python but not the contract's events:
NaN and Infinity, a float for a rate, an amount of more digits than any claim holds (shown exactly); and a
--checkpoint FILE in a folder that does not exist, or taken by another follower after this one started."""
from __future__ import annotations

import json

import pytest

from client.gateway import ChaincodeEvent, FileCheckpointer
from client.receivables import ReceivablesEvent

from . import test_cli_ledger_commands as ledger_commands
from .test_cli_ledger_commands import chaincode_event, invoke
from .test_events_unreadable import ResumingNetwork

ledger = ledger_commands.ledger   # the fixture: the recording contract, `recfin events` reading its network

NAN_PAYLOAD = b'{"event": "ReceivableConfirmed", "receivable_id": "R-1", "amount": NaN}'
NOT_JSON = "has a payload that is not JSON (NaN is not a JSON number)"


def raw_event(block: int, tx: str, payload: bytes, name: str = "ReceivableConfirmed") -> ChaincodeEvent:
    return ChaincodeEvent(block_number=block, transaction_id=tx, chaincode_name="receivables", event_name=name,
                          payload=payload)


def test_an_unreadable_event_is_recorded_and_passed_over_and_a_restart_goes_on(ledger, tmp_path):
    checkpoint = tmp_path / "events.checkpoint"
    ledger.network = ResumingNetwork([chaincode_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1"), raw_event(6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2", NAN_PAYLOAD),
                                      chaincode_event(7, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3")])
    first = invoke("events", "--start-block", "0", "--checkpoint", str(checkpoint))
    assert first.exit_code == 1 and "the peer ended the event stream" in first.stderr, first.output
    assert [line.split("  ")[0] for line in first.stdout.splitlines()] == ["block 5", "block 7"]
    [skipped] = first.stderr.splitlines()[:-1]
    assert skipped.startswith(f"skipped an unreadable event: event 'ReceivableConfirmed' in block 6 tx bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2 {NOT_JSON}")
    assert json.loads(checkpoint.read_text()) == {"blockNumber": 7, "transactionId": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3"}

    again = invoke("events", "--start-block", "0", "--checkpoint", str(checkpoint))
    assert again.exit_code == 1 and "the peer ended the event stream" in again.stderr, again.output
    assert again.stdout == ""


def test_with_json_the_same_events_are_shown_as_in_text(ledger):
    ledger.network = ResumingNetwork([chaincode_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1", amount=10**28 - 1), raw_event(6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2", NAN_PAYLOAD),
                                      chaincode_event(7, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3")])
    text = invoke("events", "--start-block", "0")
    as_json = invoke("events", "--start-block", "0", "--json")
    assert text.exit_code == as_json.exit_code == 1, (text.output, as_json.output)
    assert "amount=99,999,999,999,999,999,999,999,999.99" in text.stdout
    lines = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [(line["block"], "unreadable" in line) for line in lines] == [(5, False), (6, True), (7, False)]
    assert NOT_JSON in lines[1]["unreadable"]
    assert [line.split("  ")[0] for line in text.stdout.splitlines()] == ["block 5", "block 7"]


def test_an_amount_of_more_digits_than_decimal_arithmetic_keeps_is_shown_exactly(ledger):
    # far beyond any claim's cap, but what the ledger says: shown as it is, in both forms, not passed over
    ledger.network = ResumingNetwork([chaincode_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1", amount=10**30 + 1)])
    text = invoke("events", "--start-block", "0")
    as_json = invoke("events", "--start-block", "0", "--json")
    assert text.exit_code == as_json.exit_code == 1, (text.output, as_json.output)
    assert "amount=10,000,000,000,000,000,000,000,000,000.01" in text.stdout
    assert json.loads(as_json.stdout)["amount"] == 10**30 + 1


@pytest.mark.parametrize("number, problem", [
    (b"NaN", "NaN is not a JSON number"), (b"-Infinity", "-Infinity is not a JSON number"),
    (b"1e999", "1e999 is beyond the range of a float")])
def test_a_payload_python_would_read_as_nan_or_infinity_is_unreadable_and_json_lines_stay_json(ledger, number,
                                                                                               problem):
    ledger.network = ResumingNetwork([
        raw_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1", b'{"event": "ReceivableConfirmed", "receivable_id": "R-1", "rate": %s}' % number),
        chaincode_event(6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2")])
    res = invoke("events", "--start-block", "0", "--json")
    assert res.exit_code == 1 and "the peer ended the event stream" in res.stderr, res.output
    strict = {"parse_constant": lambda constant: pytest.fail(f"{constant} in a JSON line")}
    unreadable, shown = (json.loads(line, **strict) for line in res.stdout.splitlines())
    assert unreadable["unreadable"].startswith("event 'ReceivableConfirmed' in block 5 tx bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1 has a payload that is "
                                               f"not JSON ({problem})")
    assert (shown["block"], shown["tx_id"]) == (6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2")


def test_the_sdk_refuses_nan_in_a_payload_naming_the_event():
    with pytest.raises(ValueError, match=r"^event 'ReceivableConfirmed' in block 5 tx bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1 has a payload that is "
                                         r"not JSON \(NaN is not a JSON number\)"):
        ReceivablesEvent.from_chaincode_event(raw_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1", b'{"event": "ReceivableConfirmed", "x": NaN}'))


def test_typed_refuses_a_rate_sent_as_a_json_number_with_a_value_error_naming_the_event_and_field():
    details = {"offer_id": "D-1", "paid": 2_962_500, "discount": 37_500, "currency": "CNY", "days_early": 90}
    accepted = [ReceivablesEvent.from_chaincode_event(raw_event(
        12, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb9", json.dumps({"event": "DiscountOfferAccepted", "receivable_id": "R-1", **details, "apr": apr}).encode(),
        name="DiscountOfferAccepted")) for apr in ("0.05", 0.05)]
    assert str(accepted[0].typed().apr) == "0.05"
    with pytest.raises(ValueError, match=r"^event 'DiscountOfferAccepted' in block 12 tx bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb9 does not read as "
                                         r"DiscountOfferAccepted: apr: 0\.05 is a float"):
        accepted[1].typed()


def test_typed_refuses_a_rate_sent_as_a_whole_json_number_as_it_would_not_be_written_back_as_read():
    # the contract writes "1"; read as Decimal 1, a JSON number 1 would come back from to_json() as the string "1"
    details = {"offer_id": "D-1", "paid": 2_962_500, "discount": 37_500, "currency": "CNY", "days_early": 90}
    for apr, kind in ((1, "a number"), (0, "a number"), (True, "a boolean")):
        event = ReceivablesEvent.from_chaincode_event(raw_event(
            12, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb9", json.dumps({"event": "DiscountOfferAccepted", "receivable_id": "R-1", **details,
                                  "apr": apr}).encode(), name="DiscountOfferAccepted"))
        with pytest.raises(ValueError, match=rf"^event 'DiscountOfferAccepted' in block 12 tx bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb9 does not read as "
                                             rf"DiscountOfferAccepted: apr: {str(apr).lower()} is {kind}: a rate is "
                                             rf"a decimal string"):
            event.typed()
    assert event.details["apr"] is True


def test_a_document_built_with_a_float_rate_still_raises_type_error_naming_the_field():
    from client.receivables._models import OfferTerms

    with pytest.raises(TypeError, match=r"^advance_rate: 0\.8 is a float: money and rates are never floats$"):
        OfferTerms.model_validate({"advance_rate": 0.8, "discount_rate": "0.1", "recourse": True,
                                   "expires_on": "2026-01-01"})


def test_a_checkpoint_file_in_a_folder_that_does_not_exist_is_refused_before_reading(ledger, tmp_path):
    ledger.network = ResumingNetwork([chaincode_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1")])
    mistyped = tmp_path / "no-such-folder" / "events.checkpoint"
    res = invoke("events", "--start-block", "0", "--checkpoint", str(mistyped))
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '--checkpoint': {mistyped}: there is no folder {mistyped.parent}: create it first, "
        "or check the path")
    assert res.stdout == "" and ledger.network.requests == []
    assert not mistyped.parent.exists()


def test_a_follower_whose_new_checkpoint_file_another_created_meanwhile_stops_in_the_clis_words(ledger, tmp_path):
    path = tmp_path / "events.checkpoint"
    others = []

    class OtherFollowerRecordsFirst(ResumingNetwork):
        def chaincode_events(self, chaincode, **kwargs):
            other = FileCheckpointer(path)        # another `recfin events --checkpoint` on the same new file...
            other.checkpoint_transaction(9, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb9")     # ...records its first event before this one does
            others.append(other)
            return super().chaincode_events(chaincode, **kwargs)

    ledger.network = OtherFollowerRecordsFirst([chaincode_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1"), chaincode_event(6, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2")])
    try:
        res = invoke("events", "--start-block", "0", "--checkpoint", str(path))
    finally:
        for other in others:
            other.close()
    assert res.exit_code == 1, res.output
    assert [line.split("  ")[0] for line in res.stdout.splitlines()] == ["block 5"]
    assert res.stderr == (
        f"Error: another recfin events, or another program, holds {path}: one follower per checkpoint file, or each "
        "would skip the events the other has not printed yet; stop the other, or give this one its own --checkpoint "
        "FILE\n")
    assert json.loads(path.read_text()) == {"blockNumber": 9, "transactionId": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb9"}


def test_a_checkpoint_file_in_a_folder_this_user_may_not_write_is_refused_before_reading(ledger, tmp_path,
                                                                                      monkeypatch):
    """Bug: accepted, the command followed events until its first record of one failed. The folder is refused as
    os.access refuses it to a user but root."""
    import os
    ledger.network = ResumingNetwork([chaincode_event(5, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1")])
    asked = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if str(path) == str(tmp_path) and mode & os.W_OK
                        else asked(path, mode, **kw))
    res = invoke("events", "--start-block", "0", "--checkpoint", str(tmp_path / "events.checkpoint"))
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '--checkpoint': cannot record events in {tmp_path / 'events.checkpoint'}: its "
        f"folder {tmp_path} is not writable by this user: give a path in a folder you can write, or change the "
        "folder's permissions")
    assert res.stdout == "" and ledger.network.requests == []
