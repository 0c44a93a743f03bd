"""Build the six distributions' wheels, install them, and check them from outside the checkout.

``tox -e wheels`` runs ``build`` from the repository root, then ``smoke`` from a temporary
folder with ``python -I``, so nothing from the source tree can be imported and every check sees
only what the wheels installed. A packaging mistake (a file left out of a wheel, an entry point
naming a missing object, a lost licence) fails it:

* every wheel carries the repository's LICENSE under ``.dist-info/licenses/`` and a
  ``py.typed`` in its package, and holds every file of its package folder in the source
  tree (package data such as ``sms_core/compliance/*.toml`` and the Alembic migrations
  included; bytecode caches aside);
* every package imports from the environment's ``site-packages``, not from the checkout;
* every entry point of the ``sms_core`` and ``smsadmin.cli`` groups and the ``smsadmin``
  script loads;
* ``smsadmin plugins --json`` lists both carriers and both hosts with their versions;
* ``smsadmin demo`` exits 0 on a temporary database.

Usage: ``check_wheels.py build WHEEL_DIR ROOT`` then ``check_wheels.py smoke WHEEL_DIR ROOT``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from importlib import import_module
from importlib.metadata import EntryPoint, entry_points, version
from pathlib import Path

#: Each distribution's folder in the repository and the package its wheel installs.
DISTRIBUTIONS = {
    "sms-core": (".", "sms_core"),
    "sms-core-fake": ("adapters/fake", "sms_fake"),
    "sms-core-twilio": ("adapters/twilio", "sms_twilio"),
    "sms-core-telnyx": ("adapters/telnyx", "sms_telnyx"),
    "sms-core-hcm-widget": ("plugins/hcm_widget", "sms_hcm_widget"),
    "sms-core-ats-seats": ("plugins/ats_seats", "sms_ats_seats"),
}
CARRIERS = {"fake", "twilio", "telnyx"}
HOSTS = {"hcm_widget", "ats_seats"}
# Package data the core's wheel must hold, named as well as found in the source tree.
REQUIRED_DATA = (
    "sms_core/compliance/area_codes.toml",
    "sms_core/compliance/quiet_hours.toml",
    "sms_core/store/migrations/env.py",
    "sms_core/store/migrations/script.py.mako",
    "sms_core/store/migrations/versions/0001_initial.py",
    "sms_core/web/templates/base.html",
    "sms_core/web/static/htmx/htmx.min.js",
    "sms_core/web/static/htmx/LICENSE",
)
TIMEOUT = 300


class PackagingError(Exception):
    """Raised when a wheel or what it installed is not what the repository means to ship."""


def _run(*command: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    if result.returncode != 0:
        raise PackagingError(
            f"{' '.join(command)} exited {result.returncode}:\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def build(wheel_dir: Path, root: Path) -> None:
    """Build every wheel into ``wheel_dir`` (emptied first) and install them, not editable."""
    shutil.rmtree(wheel_dir, ignore_errors=True)
    wheel_dir.mkdir(parents=True)
    folders = [str(root / folder) for folder, _ in DISTRIBUTIONS.values()]
    pip = (sys.executable, "-m", "pip")
    _run(*pip, "wheel", "--no-deps", "--quiet", "--wheel-dir", str(wheel_dir), *folders)
    wheels = sorted(str(path) for path in wheel_dir.glob("*.whl"))
    if len(wheels) != len(DISTRIBUTIONS):
        raise PackagingError(f"expected {len(DISTRIBUTIONS)} wheels, built {wheels}")
    # The same version may be installed from an earlier run: replace it with these wheels.
    _run(*pip, "uninstall", "--yes", "--quiet", *DISTRIBUTIONS)
    _run(*pip, "install", "--quiet", *wheels)
    print(f"built and installed {len(wheels)} wheels into {sys.prefix}")


def _wheel(wheel_dir: Path, distribution: str) -> Path:
    prefix = distribution.replace("-", "_") + "-"
    [wheel] = [path for path in wheel_dir.glob("*.whl") if path.name.startswith(prefix)]
    return wheel


def _source_files(folder: Path, package: str) -> list[str]:
    """The package's files in the source tree, as wheel paths (bytecode caches left out)."""
    return [
        path.relative_to(folder).as_posix()
        for path in sorted((folder / package).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    ]


def check_wheel_contents(wheel_dir: Path, root: Path) -> None:
    """Licence, ``py.typed`` and every tracked file of the package are in each wheel."""
    licence = (root / "LICENSE").read_bytes()
    for distribution, (folder, package) in DISTRIBUTIONS.items():
        wheel = _wheel(wheel_dir, distribution)
        with zipfile.ZipFile(wheel) as archive:
            names = set(archive.namelist())
            licences = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
            if not licences or archive.read(licences[0]) != licence:
                raise PackagingError(f"{wheel.name} does not carry the repository's LICENSE")
        if f"{package}/py.typed" not in names:
            raise PackagingError(f"{wheel.name} lacks {package}/py.typed")
        tracked = _source_files(root / folder, package)
        missing = sorted(set(tracked) - names)
        if not tracked or missing:
            raise PackagingError(f"{wheel.name} lacks files of {package}: {missing}")
        if package == "sms_core" and (absent := [f for f in REQUIRED_DATA if f not in names]):
            raise PackagingError(f"{wheel.name} lacks package data {absent}")
        print(f"{wheel.name}: LICENSE, py.typed and all {len(tracked)} files of {package}")


def _load(entry_point: EntryPoint) -> None:
    try:
        entry_point.load()
    except Exception as err:
        raise PackagingError(
            f"entry point {entry_point.group}:{entry_point.name} = {entry_point.value} does "
            f"not load: {err!r}"
        ) from err


def check_installed(root: Path) -> None:
    """Every package imports from site-packages, and every entry point loads."""
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    for distribution, (folder, package) in DISTRIBUTIONS.items():
        location = Path(import_module(package).__file__ or "").resolve().parent
        source = (root / folder / package).resolve()
        if location == source or not location.is_relative_to(site):
            raise PackagingError(f"{package} imports from {location}, not from {site}")
        print(f"{distribution} {version(distribution)}: {location}")
    groups = {"sms_core": CARRIERS | HOSTS, "smsadmin.cli": {"sandbox"}}
    for group, expected in groups.items():
        found = {entry_point.name: entry_point for entry_point in entry_points(group=group)}
        if set(found) != expected:
            raise PackagingError(f"entry points of {group!r}: {sorted(found)}, not {expected}")
        for entry_point in found.values():
            _load(entry_point)
    [script] = entry_points(group="console_scripts", name="smsadmin")
    _load(script)
    print("every entry point loads")


def check_commands(scratch: Path) -> None:
    """``smsadmin plugins --json`` lists the four plugins, and ``smsadmin demo`` succeeds."""
    smsadmin = Path(sysconfig.get_paths()["scripts"]) / "smsadmin"
    env = {
        **os.environ,
        "SMS_DATABASE_URL": f"sqlite:///{scratch / 'smsadmin.sqlite3'}",
        "SMS_FAKE_STATE": str(scratch / "sandbox-carrier.sqlite3"),
        "SMS_CORE_DISABLED_PLUGINS": "",
    }
    listing = json.loads(_run(str(smsadmin), "plugins", "--json", cwd=scratch, env=env))
    for kind, names in (("carriers", CARRIERS), ("hosts", HOSTS)):
        listed = {plugin["name"]: plugin for plugin in listing[kind]}
        if set(listed) != names:
            raise PackagingError(f"smsadmin plugins lists {kind} {sorted(listed)}, not {names}")
        for name, plugin in listed.items():
            if plugin["version"] != version(plugin["distribution"]):
                raise PackagingError(f"{name}: version {plugin['version']!r} is not installed")
    print("smsadmin plugins --json lists both carriers and both hosts with their versions")
    _run(str(smsadmin), "demo", cwd=scratch, env=env)
    print("smsadmin demo exits 0")


def smoke(wheel_dir: Path, root: Path) -> None:
    """Every check of the module docstring, from a scratch folder outside the checkout."""
    if any((Path.cwd() / package).exists() for _, package in DISTRIBUTIONS.values()):
        raise PackagingError(f"run the smoke test where no package folder is, not {Path.cwd()}")
    check_wheel_contents(wheel_dir, root)
    check_installed(root)
    with tempfile.TemporaryDirectory(prefix="wheels-smoke-") as scratch:
        check_commands(Path(scratch))


def main(arguments: list[str]) -> int:
    """Run ``build WHEEL_DIR ROOT`` or ``smoke WHEEL_DIR ROOT``."""
    match arguments:
        case ["build", wheel_dir, root]:
            build(Path(wheel_dir), Path(root))
        case ["smoke", wheel_dir, root]:
            smoke(Path(wheel_dir), Path(root))
        case _:
            print(__doc__, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except PackagingError as err:
        print(f"packaging check failed: {err}", file=sys.stderr)
        sys.exit(1)
