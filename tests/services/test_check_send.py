"""``messages.check_send``: the refusal a send would meet, found by the send's own checks.

Each case is checked twice, by ``check_send`` and by ``send``: the same error class and
message, and neither changed anything (the composer of the web UI shows this refusal before
the recruiter presses Send). At the fixtures' 15:00 UTC it is 5 a.m. in Honolulu (808).
"""

from __future__ import annotations

import pytest

from sms_core import AccountAdmin, OptOutSource
from sms_core.exceptions import SmsError
from sms_core.segments import Encoding
from sms_fake import SandboxCarrier
from tests.services.messaging_fixtures import ALICE, BRUNO, START, Texting, buy_line, snapshot

HONOLULU = "+18085550100"


@pytest.fixture
def line(acme: AccountAdmin) -> str:
    """Ann's registered line."""
    return buy_line(acme, "ann").e164


class TestCheckSend(Texting):
    @pytest.mark.parametrize(
        ("to", "body", "match"),
        [
            ("555-0101", "Hi", "555-0101"),
            (ALICE, "  \n ", "empty"),
            (ALICE, "x" * 1601, "1601 characters and at most 1600"),
            (BRUNO, "Hi", "opted out"),
            (HONOLULU, "Hi", "Honolulu|quiet|8"),
            ("OWN", "Hi", "the number you text from"),
        ],
    )
    def test_the_same_refusal_as_the_send(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        line: str,
        to: str,
        body: str,
        match: str,
    ) -> None:
        acme.optouts.record(BRUNO, source=OptOutSource.HOST, keyword=None, at=START)
        to = line if to == "OWN" else to
        before = snapshot(acme, carrier)
        with pytest.raises(SmsError, match=match) as checked:
            acme.messages.check_send("ann", to=to, body=body)
        assert before == snapshot(acme, carrier)
        with pytest.raises(SmsError) as sent:
            acme.messages.send("ann", candidate_id=None, to=to, body=body)
        assert (type(sent.value), str(sent.value)) == (type(checked.value), str(checked.value))
        assert before == snapshot(acme, carrier)

    def test_a_fine_text_is_counted_and_not_sent(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        before = snapshot(acme, carrier)
        analysis = acme.messages.check_send("ann", to=ALICE, body="Shift at 7? 📅")
        assert (Encoding.UCS_2, 1) == (analysis.encoding, analysis.segments)
        assert before == snapshot(acme, carrier)

    def test_a_user_on_no_line(self, acme: AccountAdmin) -> None:
        with pytest.raises(SmsError, match="is on no line"):
            acme.messages.check_send("ann", to=ALICE, body="Hi")
        with pytest.raises(SmsError, match="is on no line"):
            acme.messages.body_limit("ann")

    def test_the_limits(self, acme: AccountAdmin, line: str) -> None:
        """Under the core's default host: the sandbox's 1600 characters, and a mass-text cap."""
        assert 1600 == acme.messages.body_limit("ann")
        assert acme.messages.mass_text_cap() > 0
