"""Pytest fixtures serving Telnyx's trimmed description with Prism; a pytest plugin.

Load it from a ``conftest.py`` with ``pytest_plugins = ("sms_telnyx.testing.fixtures",)``.

Prism (``@stoplight/prism-cli``) is installed with npm into ``SMS_TELNYX_PRISM_DIR`` (else
``~/.cache/sms-telnyx/<prism version>``). Telnyx's description is read from
``SMS_TELNYX_OAI_DIR`` or ``../shared/telnyx-oai/`` beside the checkout. Without npm or the
description the Prism tests are skipped on a developer machine and fail when ``CI`` is set.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from sms_core.testing.prism import PRISM_PACKAGE, PrismError, PrismServer, install_prism
from sms_telnyx.testing.prism import BASE_PATH, SPEC_FILE, spec_dir, write_test_spec

__all__ = ["telnyx_api_url", "telnyx_oai", "telnyx_prism", "telnyx_spec"]


def _prism_dir() -> Path:
    configured = os.environ.get("SMS_TELNYX_PRISM_DIR")
    if configured:
        return Path(configured)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "sms-telnyx" / PRISM_PACKAGE.rsplit("@", 1)[-1]


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def telnyx_oai() -> Path:
    """Where Telnyx's OpenAPI description (``spec3.yml``) is."""
    return spec_dir()


@pytest.fixture(scope="session")
def telnyx_spec(tmp_path_factory: pytest.TempPathFactory, telnyx_oai: Path) -> Path:
    """The trimmed, patched copy of Telnyx's description that Prism serves (JSON)."""
    target = tmp_path_factory.mktemp("telnyx-oai") / "telnyx.json"
    try:
        write_test_spec(telnyx_oai / SPEC_FILE, target)
    except PrismError as err:
        _unavailable(str(err))
    return target


@pytest.fixture(scope="session")
def telnyx_prism(telnyx_spec: Path) -> Iterator[PrismServer]:
    """Prism validating requests against :func:`telnyx_spec`, on loopback, for the session.

    It runs with ``--errors``: a request the description forbids is answered with a 4xx; pass
    answers through :func:`sms_core.testing.prism.raise_for_prism_rejection` to fail on it.
    """
    if shutil.which("npm") is None:
        _unavailable("npm is not on PATH: Prism needs Node.js 20 and npm (.ci/run installs them)")
    try:
        executable = install_prism(_prism_dir())
    except PrismError as err:
        _unavailable(str(err))
    with PrismServer(executable, telnyx_spec) as server:
        yield server


@pytest.fixture(scope="session")
def telnyx_api_url(telnyx_prism: PrismServer) -> str:
    """The base URL a Telnyx client uses in tests, in place of ``https://api.telnyx.com/v2``."""
    return telnyx_prism.base_url + BASE_PATH
