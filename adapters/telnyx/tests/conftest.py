"""Fixtures of the Telnyx adapter's tests."""

# Prism serving Telnyx's trimmed description: telnyx_oai, telnyx_spec, telnyx_prism,
# telnyx_api_url.
pytest_plugins = ("sms_telnyx.testing.fixtures",)
