"""Test helpers for the Twilio adapter: a Twilio stand-in, Prism, and the contract driver.

* :class:`TwilioStandIn` is a loopback HTTP server shaped like Twilio's three hosts; it has
  Stoplight Prism check every request against Twilio's OpenAPI description and answers from
  a small state machine (:class:`TwilioState`) that remembers what Prism cannot;
* :mod:`sms_twilio.testing.prism` installs Prism with npm and runs it on patched copies of the
  description files;
* :class:`TwilioDriver` steers the stand-in for the adapter contract suite.

Example::

    with TwilioStandIn() as stand_in, PooledHttpClient(base_urls=stand_in.base_urls) as http:
        adapter = TwilioAdapter(http=http, environ={"TWILIO_AUTH_TOKEN": AUTH_TOKEN})
        ...
"""

from sms_twilio.testing.driver import TwilioDriver, signed_events_request, signed_request
from sms_twilio.testing.prism import PrismError, PrismFleet, install_prism, patch_specs
from sms_twilio.testing.standin import AUTH_TOKEN, TwilioStandIn, Violation
from sms_twilio.testing.state import TwilioError, TwilioState

__all__ = [
    "AUTH_TOKEN",
    "PrismError",
    "PrismFleet",
    "TwilioDriver",
    "TwilioError",
    "TwilioStandIn",
    "TwilioState",
    "Violation",
    "install_prism",
    "patch_specs",
    "signed_events_request",
    "signed_request",
]
