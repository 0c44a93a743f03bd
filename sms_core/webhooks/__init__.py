"""The webhook app carriers call, and a loopback server to run it in the background."""

from sms_core.webhooks.app import MAX_BODY_BYTES, create_app
from sms_core.webhooks.server import LoopbackServer

__all__ = ["MAX_BODY_BYTES", "LoopbackServer", "create_app"]
