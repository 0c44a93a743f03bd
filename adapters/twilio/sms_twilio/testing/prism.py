"""Stoplight Prism serving Twilio's OpenAPI descriptions, for tests on loopback.

* :func:`install_prism` (from :mod:`sms_core.testing.prism`, shared by the adapters) installs
  ``@stoplight/prism-cli`` with npm into a cache directory (never into the project), once;
* :func:`patch_specs` writes test-time copies of Twilio's description files, with two
  corrections (see :func:`patch_spec`); the originals are read, never changed or copied into
  the project;
* :class:`PrismFleet` runs one Prism per description on ``127.0.0.1`` (ephemeral ports, started
  in parallel) and stops them by their process ids.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from sms_core.testing.prism import PRISM_PACKAGE, PrismError, PrismServer, install_prism

__all__ = [
    "PRISM_PACKAGE",
    "SPEC_FILES",
    "PrismError",
    "PrismFleet",
    "install_prism",
    "patch_spec",
    "patch_specs",
]

#: Twilio's description files, by the host name of :data:`sms_twilio.http.TWILIO_HOSTS`.
SPEC_FILES: Mapping[str, str] = {
    "api": "twilio_api_v2010.json",
    "messaging": "twilio_messaging_v1.json",
    "trusthub": "twilio_trusthub_v1.json",
}
_FORM = "application/x-www-form-urlencoded"
# Operations whose URL fields Twilio clears when given an empty string.
_CLEARABLE_URLS = {"UpdateIncomingPhoneNumber"}


def patch_spec(source: Path, target: Path) -> int:
    """Write a copy of a description with two corrections Prism needs to judge Twilio's API.

    1. **Array form fields** (``MediaUrl``, ``MessageSamples``…) get an ``encoding`` of
       ``style: form, explode: true, allowReserved: true``: Twilio takes repeated keys, but
       without it Prism refuses every array (and spaces encoded as ``+``).
    2. **URL fields of UpdateIncomingPhoneNumber** also accept an empty string: Twilio clears
       a number's webhook that way, which ``format: uri`` forbids.

    Returns:
        How many operations were changed.
    """
    spec: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    changed = 0
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            content = operation.get("requestBody", {}).get("content", {}).get(_FORM)
            if not content:
                continue
            properties = content.get("schema", {}).get("properties", {})
            arrays = [name for name, schema in properties.items() if schema.get("type") == "array"]
            if arrays:
                content["encoding"] = {
                    name: {"style": "form", "explode": True, "allowReserved": True}
                    for name in arrays
                }
            urls = [name for name, schema in properties.items() if schema.get("format") == "uri"]
            if operation.get("operationId") in _CLEARABLE_URLS and urls:
                for name in urls:
                    properties[name] = {
                        "anyOf": [properties[name], {"type": "string", "enum": [""]}]
                    }
            if arrays or (operation.get("operationId") in _CLEARABLE_URLS and urls):
                changed += 1
    target.write_text(json.dumps(spec), encoding="utf-8")
    return changed


def patch_specs(source_dir: Path, target_dir: Path) -> dict[str, Path]:
    """Patched copies of the three description files, by host name.

    Raises:
        PrismError: When a description file is missing.
    """
    target_dir.mkdir(parents=True, exist_ok=True)
    patched: dict[str, Path] = {}
    for name, file_name in SPEC_FILES.items():
        source = source_dir / file_name
        if not source.is_file():
            raise PrismError(f"Twilio's OpenAPI file {source} is missing")
        patch_spec(source, target_dir / file_name)
        patched[name] = target_dir / file_name
    return patched


class PrismFleet:
    """One Prism mock server per description, on loopback; a context manager.

    Each is a :class:`~sms_core.testing.prism.PrismServer` without ``--errors`` (the stand-in
    reads Prism's verdict itself); all are launched before any is waited for.

    Args:
        prism: The ``prism`` executable.
        specs: The description file of each host name.
        startup_timeout: Seconds to wait for all of them to listen.
    """

    def __init__(
        self, prism: Path, specs: Mapping[str, Path], *, startup_timeout: float = 60.0
    ) -> None:
        self._servers = {
            name: PrismServer(prism, spec, errors=False, name=name) for name, spec in specs.items()
        }
        self._timeout = startup_timeout
        self.base_urls: dict[str, str] = {}

    def start(self) -> PrismFleet:
        """Start every Prism and wait until each says where it listens.

        Raises:
            PrismError: When one exits or stays silent past the timeout.
        """
        try:
            for server in self._servers.values():
                server.launch()
            deadline = time.monotonic() + self._timeout
            for name, server in self._servers.items():
                self.base_urls[name] = server.wait_listening(deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop every Prism this fleet started (by its process), and wait for them."""
        for server in self._servers.values():
            server.stop()

    def __enter__(self) -> PrismFleet:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
