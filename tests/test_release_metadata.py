"""Every distribution's pyproject.toml carries what a release needs.

The six distributions (the core, three adapters, two hosts) are built from their own folders,
so each must name its licence and ship the licence text from its own folder (PEP 639: a
``license-files`` path may not leave the project directory) and (for the plugins) bound the
``sms-core`` series whose hook specs it was written for (CHANGELOG.md, "Versioning and
deprecation of the plugin API"). ``[project.urls]`` is left out on purpose until the project
has a public address. ``tox -e wheels`` checks what the built wheels actually carry.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).parent.parent
PLUGINS = (
    "adapters/fake",
    "adapters/twilio",
    "adapters/telnyx",
    "plugins/hcm_widget",
    "plugins/ats_seats",
)
DISTRIBUTIONS = (".", *PLUGINS)


def _project(folder: str) -> dict[str, Any]:
    with (ROOT / folder / "pyproject.toml").open("rb") as file:
        data: dict[str, Any] = tomllib.load(file)
    return data


def _bounded(specifier: SpecifierSet) -> bool:
    """Whether ``specifier`` has both a floor and a ceiling."""
    operators = {spec.operator for spec in specifier}
    return bool(operators & {">=", ">", "~=", "=="}) and bool(operators & {"<", "<=", "~=", "=="})


def _core_requirement(folder: str) -> Requirement:
    requirements = [Requirement(r) for r in _project(folder)["project"]["dependencies"]]
    [core] = [r for r in requirements if r.name == "sms-core"]
    return core


@pytest.mark.parametrize("folder", DISTRIBUTIONS)
class TestEveryDistribution:
    """The core and each plugin alike."""

    def test_license_is_mit_and_its_file_ships(self, folder: str) -> None:
        """``license`` is the SPDX expression and ``license-files`` names the LICENSE beside it.

        Hatchling puts the ``license-files`` into the wheel's ``.dist-info/licenses/`` and the
        sdist (https://hatch.pypa.io/latest/config/metadata/#license); the sdist's include
        list names it as well, anchored to the project folder.
        """
        config = _project(folder)
        project = config["project"]
        assert "MIT" == project["license"]
        assert ["LICENSE"] == project["license-files"]
        assert "/LICENSE" in config["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
        assert [] == [c for c in project["classifiers"] if c.startswith("License ::")]

    def test_license_file_is_the_repository_licence(self, folder: str) -> None:
        """Each folder's LICENSE is a copy of the root one, so the copies never drift apart."""
        root = (ROOT / "LICENSE").read_text(encoding="utf-8")
        assert root.startswith("MIT License\n")
        assert "the smsadmin authors" in root
        assert root == (ROOT / folder / "LICENSE").read_text(encoding="utf-8")

    def test_classifiers(self, folder: str) -> None:
        """The distribution says it is typed and which Python it runs on."""
        classifiers = _project(folder)["project"]["classifiers"]
        assert {"Typing :: Typed", "Programming Language :: Python :: 3 :: Only"} <= set(
            classifiers
        )

    def test_released_with_the_core(self, folder: str) -> None:
        """The distributions share one version number (CHANGELOG.md)."""
        assert _project(".")["project"]["version"] == _project(folder)["project"]["version"]


@pytest.mark.parametrize("folder", PLUGINS)
def test_plugin_bounds_its_core_series(folder: str) -> None:
    """A plugin's ``sms-core`` requirement has a floor and a ceiling, and admits this core.

    Unbounded, a plugin would install beside a later series whose hook specs it was not
    written for; a ceiling that excludes the current core would make the repository's own
    plugins uninstallable with it.
    """
    specifier = _core_requirement(folder).specifier
    assert _bounded(specifier), f"{folder}: sms-core{specifier} needs a floor and a ceiling"
    assert Version(_project(".")["project"]["version"]) in specifier


@pytest.mark.parametrize(
    ("requirement", "bounded"),
    [
        ("sms-core", False),
        ("sms-core>=0.1", False),
        ("sms-core<0.2", False),
        ("sms-core>=0.1,<0.2", True),
        ("sms-core~=0.1.0", True),
    ],
)
def test_bound_check_tells_unbounded_from_bounded(requirement: str, bounded: bool) -> None:
    """The check above refuses a requirement without floor or ceiling."""
    assert bounded == _bounded(Requirement(requirement).specifier)
