"""Receiving carriers' webhooks: the URLs, the receiving pipeline, the app, a loopback server.

* :mod:`sms_core.webhooks.urls`: the one place a webhook URL is built, both the one the SDK
  configures at the carrier and the one it verifies a signature against;
* :mod:`sms_core.webhooks.pipeline`: verify → parse → apply → answer, for one request;
* :mod:`sms_core.webhooks.receivers`: each account's pipeline, held by the app for a few
  seconds;
* :mod:`sms_core.webhooks.app`: the Starlette app that turns HTTP into the pipeline's input and
  its answer or refusal back into HTTP;
* :mod:`sms_core.webhooks.server`: uvicorn on a loopback port, for the demo and tests.

The services build each account's pipeline, so this package loads the app (Starlette) and the
server (uvicorn) only when they are first asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sms_core.webhooks.app import MAX_BODY_BYTES, create_app
    from sms_core.webhooks.server import LoopbackServer

__all__ = ["MAX_BODY_BYTES", "LoopbackServer", "create_app"]

_HOMES = {
    "MAX_BODY_BYTES": "sms_core.webhooks.app",
    "create_app": "sms_core.webhooks.app",
    "LoopbackServer": "sms_core.webhooks.server",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
