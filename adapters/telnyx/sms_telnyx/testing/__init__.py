"""Test helpers for the Telnyx adapter: Prism serving Telnyx's own API description.

* :mod:`sms_telnyx.testing.prism` trims Telnyx's OpenAPI 3.1 description to the paths a
  texting adapter calls, patches that copy (each patch named, with its evidence) and writes it
  for Prism;
* Prism is installed and run by :mod:`sms_core.testing.prism`, shared with the other adapters;
* :mod:`sms_telnyx.testing.standin` is a stateful Telnyx stand-in (an ``httpx`` transport
  that has Prism check each request first) and :mod:`sms_telnyx.testing.driver` steers it for
  the shared contract suite (:class:`TelnyxDriver`).

Example::

    spec = tmp_path / "telnyx.json"
    write_test_spec(spec_dir() / SPEC_FILE, spec)
    with PrismServer(install_prism(cache_dir), spec) as prism:
        answer = httpx.post(f"{prism.base_url}/v2/messages", json=..., headers=...)
        raise_for_prism_rejection(answer)
"""

from sms_core.testing.prism import (
    PrismError,
    PrismServer,
    install_prism,
    prism_violations,
    raise_for_prism_rejection,
)
from sms_telnyx.testing.driver import TelnyxDriver
from sms_telnyx.testing.prism import (
    BASE_PATH,
    PATCHES,
    PATHS,
    SPEC_FILE,
    WEBHOOKS,
    load_spec,
    spec_dir,
    trim_spec,
    write_test_spec,
)
from sms_telnyx.testing.standin import (
    API_KEY,
    STAND_IN_BASE_URL,
    TelnyxStandIn,
    TelnyxState,
    Violation,
)

__all__ = [
    "API_KEY",
    "BASE_PATH",
    "PATCHES",
    "PATHS",
    "SPEC_FILE",
    "STAND_IN_BASE_URL",
    "WEBHOOKS",
    "PrismError",
    "PrismServer",
    "TelnyxDriver",
    "TelnyxStandIn",
    "TelnyxState",
    "Violation",
    "install_prism",
    "load_spec",
    "prism_violations",
    "raise_for_prism_rejection",
    "spec_dir",
    "trim_spec",
    "write_test_spec",
]
