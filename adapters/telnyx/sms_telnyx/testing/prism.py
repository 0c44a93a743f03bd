"""Stoplight Prism serving a trimmed, patched copy of Telnyx's OpenAPI 3.1 description.

Telnyx publishes one description of its whole API v2 (``spec3.yml``: 782 paths, about 4 MB,
read from ``../shared/telnyx-oai/`` beside the checkout or ``SMS_TELNYX_OAI_DIR``, never copied
into the project). Prism would take long to load all of it, so tests serve a copy that holds
only what a texting adapter calls:

* :func:`trim_spec` keeps :data:`PATHS` and :data:`WEBHOOKS` and every component they
  reference, transitively;
* :data:`PATCHES` correct that copy where the description is known to differ from the live
  API or where Prism cannot judge an OpenAPI 3.1 construct; each patch is one function whose
  docstring cites its evidence;
* :func:`write_test_spec` does both and writes the copy as JSON;
* Prism itself is installed and run by :mod:`sms_core.testing.prism`
  (:func:`~sms_core.testing.prism.install_prism`, :class:`~sms_core.testing.prism.PrismServer`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from sms_core.testing.prism import PrismError

__all__ = [
    "BASE_PATH",
    "PATCHES",
    "PATHS",
    "SPEC_FILE",
    "WEBHOOKS",
    "load_spec",
    "serve_under_base_path",
    "spec_dir",
    "trim_spec",
    "write_test_spec",
]

#: The description's file name in Telnyx's ``team-telnyx/openapi`` repository.
SPEC_FILE = "spec3.yml"
#: The paths a texting adapter calls: the list in the description's README, the order it polls
#: until a purchase completes (``GET /number_orders/{number_order_id}``), the messaging
#: profile whose webhook URLs it sets (``PATCH /messaging_profiles/{id}``), the resending of
#: a brand's 2FA e-mail (``POST /10dlc/brand/{brandId}/2faEmail``), the TeXML applications
#: a number's calls are posted through (``/texml_applications``, :mod:`sms_telnyx.voice`) and
#: the detail record search that finds a text whose send answer was lost (``GET /detail_records``).
PATHS: tuple[str, ...] = (
    "/available_phone_numbers",
    "/number_orders",
    "/number_orders/{number_order_id}",
    "/phone_numbers",
    "/phone_numbers/{id}",
    "/phone_numbers/{id}/messaging",
    "/phone_numbers/{id}/voice",
    "/messaging_profiles",
    "/messaging_profiles/{id}",
    "/messages",
    "/messages/{id}",
    "/detail_records",
    "/10dlc/brand",
    "/10dlc/brand/{brandId}",
    "/10dlc/brand/feedback/{brandId}",
    "/10dlc/brand/{brandId}/2faEmail",
    "/10dlc/campaignBuilder",
    "/10dlc/campaign/{campaignId}",
    "/10dlc/phone_number_campaigns",
    "/10dlc/phone_number_campaigns/{phoneNumber}",
    "/10dlc/enum/{endpoint}",
    "/texml_applications",
    "/texml_applications/{id}",
)
#: The webhooks it receives: inbound texts, delivery reports, campaign and order status.
WEBHOOKS: tuple[str, ...] = (
    "inboundMessage",
    "deliveryUpdate",
    "campaignStatusUpdate",
    "numberOrderStatusUpdate",
)

_COMPONENT_REF = "#/components/"
Spec = dict[str, Any]


class _PlainLoader(yaml.CSafeLoader):
    """YAML as JSON sees it: dates stay the strings the description wrote."""


_PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}


def spec_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where Telnyx's description is: ``SMS_TELNYX_OAI_DIR``, else ``../shared/telnyx-oai/``.

    The default is beside the checkout this module was imported from.
    """
    configured = (os.environ if environ is None else environ).get("SMS_TELNYX_OAI_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[4].parent / "shared" / "telnyx-oai"


def load_spec(source: Path) -> Spec:
    """Read Telnyx's whole description.

    Raises:
        PrismError: When the file is missing.
    """
    if not source.is_file():
        raise PrismError(
            f"Telnyx's OpenAPI description {source} is missing: set SMS_TELNYX_OAI_DIR to the"
            f" folder holding {SPEC_FILE}"
        )
    with source.open(encoding="utf-8") as stream:
        spec: Spec = yaml.load(stream, Loader=_PlainLoader)  # a safe loader
    return spec


def trim_spec(
    spec: Spec, paths: tuple[str, ...] = PATHS, webhooks: tuple[str, ...] = WEBHOOKS
) -> Spec:
    """The part of ``spec`` holding ``paths``, ``webhooks`` and every component they use.

    Components are followed through ``$ref`` transitively; the security schemes named by the
    kept operations (and the description's default) are kept too.

    Raises:
        PrismError: When a wanted path or webhook is not in the description, or a ``$ref``
            points at nothing.
    """
    missing = [path for path in paths if path not in spec.get("paths", {})]
    missing += [hook for hook in webhooks if hook not in spec.get("webhooks", {})]
    if missing:
        raise PrismError(f"Telnyx's description has no {', '.join(missing)}")
    trimmed: Spec = {
        key: spec[key] for key in ("openapi", "info", "servers", "security") if key in spec
    }
    trimmed["paths"] = {path: spec["paths"][path] for path in paths}
    trimmed["webhooks"] = {hook: spec["webhooks"][hook] for hook in webhooks}
    components: dict[str, dict[str, Any]] = {}
    pending = [trimmed["paths"], trimmed["webhooks"]]
    while pending:
        for ref in _refs(pending.pop()):
            # A ref may point into a component (".../Foo/properties/bar"): keep all of Foo.
            section, _, rest = ref.removeprefix(_COMPONENT_REF).partition("/")
            name = rest.split("/", 1)[0].replace("~1", "/").replace("~0", "~")
            if name in components.get(section, {}):
                continue
            target = spec.get("components", {}).get(section, {}).get(name)
            if target is None:
                raise PrismError(f"Telnyx's description refers to {ref}, which it lacks")
            components.setdefault(section, {})[name] = target
            pending.append(target)
    schemes = spec.get("components", {}).get("securitySchemes", {})
    for name in _security_names(trimmed):
        if name in schemes:
            components.setdefault("securitySchemes", {})[name] = schemes[name]
    trimmed["components"] = components
    return trimmed


def write_test_spec(source: Path, target: Path) -> list[str]:
    """Write the trimmed, patched copy of ``source`` to ``target`` as JSON.

    Returns:
        The names of the patches that changed something (every one of :data:`PATCHES`
        should: a patch that finds nothing to change means the description moved on).
    """
    spec = trim_spec(load_spec(source))
    applied = [patch.__name__ for patch in PATCHES if patch(spec)]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(spec), encoding="utf-8")
    return applied


def _refs(node: Any) -> Iterator[str]:
    """Every local component ``$ref`` under ``node``."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith(_COMPONENT_REF):
                yield ref
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _security_names(spec: Spec) -> set[str]:
    requirements = list(spec.get("security", []))
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                requirements.extend(operation.get("security", []))
    return {name for requirement in requirements for name in requirement}


# -- Patches ------------------------------------------------------------------------------------
# Each takes the trimmed description, changes it in place and says whether it changed anything.

Patch = Callable[[Spec], bool]

#: Where the live API serves the paths: ``https://api.telnyx.com/v2`` (the description's
#: ``servers``), so clients are configured with a base URL ending in ``/v2``.
BASE_PATH = "/v2"


def serve_under_base_path(spec: Spec) -> bool:
    """Prefix every path with ``/v2``, the path of the description's only server.

    Evidence: ``spec3.yml`` declares ``servers: [{url: https://api.telnyx.com/v2}]`` and every
    documented call goes to ``https://api.telnyx.com/v2/...`` (for example
    https://developers.telnyx.com/api-reference/messages/send-a-message). ``prism mock`` routes
    on the ``paths`` keys alone and ignores a server's path, so without this patch a client
    pointed at ``<prism>/v2`` (as a client of the live API is) would get a 404 for every call.
    The server entry becomes relative so Prism does not read it as a host to match.
    """
    if all(path.startswith(BASE_PATH + "/") for path in spec["paths"]):
        return False
    spec["paths"] = {
        path if path.startswith(BASE_PATH + "/") else BASE_PATH + path: item
        for path, item in spec["paths"].items()
    }
    spec["servers"] = [{"url": "/", "description": "Prism, serving the paths under /v2"}]
    return True


def detail_record_chosen_by_its_type(spec: Spec) -> bool:
    """Let a detail record match its kinds as ``anyOf``; its ``record_type`` picks the one.

    Evidence: ``DetailRecord`` in ``spec3.yml`` is a ``oneOf`` of seven record schemas with a
    ``discriminator`` on ``record_type``, which in OpenAPI selects the one schema a record
    follows. Every field of those schemas but ``record_type`` is optional and none of them
    fixes ``record_type`` to one word, so without the discriminator (Prism's JSON Schema
    validator does not apply one) any record matches several of them, and Prism refuses even
    the answer it generated itself for ``GET /detail_records`` ("must match exactly one schema
    in oneOf"). ``anyOf`` keeps every schema's checks and drops only the count.
    """
    record = spec.get("components", {}).get("schemas", {}).get("DetailRecord")
    if not isinstance(record, dict) or "oneOf" not in record:
        return False
    record["anyOf"] = record.pop("oneOf")
    return True


PATCHES: tuple[Patch, ...] = (serve_under_base_path, detail_record_chosen_by_its_type)
