"""Where webhook receiving lives, and the paths that keep working while it moved."""

from __future__ import annotations

import subprocess
import sys

import pytest

import sms_core
from sms_core.services import context, inbound
from sms_core.webhooks import pipeline, urls


class TestOneHome:
    """The pipeline and the URLs have one home each; the old import paths still work."""

    def test_public_receiver_is_the_pipeline(self) -> None:
        """``sms_core.WebhookReceiver`` is the pipeline's entry point."""
        assert pipeline.WebhookReceiver is sms_core.WebhookReceiver

    def test_old_receiver_path_warns(self) -> None:
        """``sms_core.services.inbound.WebhookReceiver`` is a deprecated alias."""
        with pytest.warns(DeprecationWarning, match="sms_core.webhooks.pipeline"):
            alias = inbound.WebhookReceiver

        assert pipeline.WebhookReceiver is alias

    def test_webhook_urls_importable_from_services(self) -> None:
        """``WebhookUrls`` moved to the URL module and is the same class under the old names."""
        assert urls.WebhookUrls is context.WebhookUrls is sms_core.WebhookUrls

    def test_sdk_import_loads_no_web_server(self) -> None:
        """``import sms_core`` builds pipelines without loading Starlette or uvicorn."""
        loaded = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys, sms_core; print(sorted({'starlette', 'uvicorn'} & set(sys.modules)))",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert "[]" == loaded.stdout.strip()
