# Over 400 lines: one stateful stand-in for Telnyx's API, whose resources (numbers, messages,
# 10DLC records) refer to each other.
"""A stateful Telnyx stand-in: an ``httpx`` transport, every request first checked by Prism.

:class:`TelnyxStandIn` is a handler for ``httpx.MockTransport``: give the adapter an
``httpx.Client(transport=httpx.MockTransport(stand_in))`` and a base URL on ``127.0.0.1``
ending in ``/v2`` (:data:`STAND_IN_BASE_URL`). Nothing leaves the process except the copy of
each request sent to Prism on loopback. For each request it

1. forwards the request as it came to the Stoplight Prism serving Telnyx's trimmed
   description (:mod:`sms_telnyx.testing.prism`), when one is given; an answer of 400 or more
   is a **violation** (Telnyx's description of its API refuses the request): it is kept
   (:meth:`TelnyxStandIn.take_violations`) and the client gets Prism's answer;
2. answers from :class:`TelnyxState`, which remembers what Prism cannot: messages (and their
   detail records), numbers for sale and bought, number orders, messaging profiles, 10DLC
   brands, campaigns and the numbers assigned to campaigns;
3. spoils the answer to a send when told to (:meth:`TelnyxStandIn.lose_next_sends`): the
   message is made, and the client gets a gateway's 502 page or a dropped connection in place
   of the answer, the case the adapter must reconcile without sending again;
4. waits ``latency`` seconds first, if asked (the benchmark's network delay).

Bodies follow Telnyx's description (``/work/shared/telnyx-oai/spec3.yml``, the schemas named
beside each builder) and its error format ``{"errors": [{"code", "title", "detail"}]}``
(https://developers.telnyx.com/development/api-fundamentals/api-errors/index).

Reviews never finish on their own: a brand stays ``REGISTRATION_PENDING`` and a campaign
``TCR_PENDING`` until the driver (:class:`~sms_telnyx.testing.driver.TelnyxDriver`) approves
or fails them. A number order and a number's assignment to a provisioned campaign finish at
once by default (the contract suite has no step to wait for them); with
``complete_orders_at_once`` / ``complete_assignments_at_once`` off they stay ``pending`` and
``PENDING_ASSIGNMENT`` until the driver ends them; an assignment the driver made fail stays
``PENDING_ASSIGNMENT`` when made and fails at its review, as Telnyx reports a failed
assignment by webhook after accepting it. Each change of an assignment's status is also kept
as the ``10dlc.phone_number.update`` event Telnyx posts to the campaign's ``webhookURL``, and
each review of a brand or campaign as its ``10dlc.brand.update`` or ``10dlc.campaign.update``
(:attr:`TelnyxState.registry_events`, :mod:`sms_telnyx.registration_events`). A message is
``queued`` when accepted and moves on (``sent``, then ``delivered`` or a failure) when the
driver reports it.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
import uuid
from collections.abc import Mapping
from datetime import UTC
from typing import Any
from urllib.parse import parse_qsl

import attrs
import httpx

from sms_core.clock import Clock, SystemClock

__all__ = [
    "API_KEY",
    "STAND_IN_BASE_URL",
    "Failure",
    "TelnyxStandIn",
    "TelnyxState",
    "Violation",
]

#: The API key the stand-in accepts, unless given another.
API_KEY = "KEYstandin0123456789_contract"
#: The base URL a client of the stand-in is given (loopback; the transport answers it).
STAND_IN_BASE_URL = "http://127.0.0.1:9/v2"

Record = dict[str, Any]

# Numbers for sale: (area code, state, locality, postal code). 555 exchanges are fictional;
# the "2468" exchange gives the suite's ``contains`` search something to find.
_INVENTORY = (
    ("415", "CA", "San Francisco", "94105"),
    ("510", "CA", "Oakland", "94607"),
    ("206", "WA", "Seattle", "98101"),
    ("312", "IL", "Chicago", "60601"),
)
_EXCHANGES = ("555", "246")
# Numbers per exchange: enough that a class of contract tests sharing one stand-in, each
# buying a 415 number and never getting it back for sale, does not run out.
_PER_EXCHANGE = 40


@attrs.frozen
class Violation:
    """A request Prism refused: Telnyx's API description does not allow it."""

    method: str
    path: str
    status: int
    detail: str

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}: {self.detail}"


@attrs.frozen
class Failure:
    """How a review the driver ends fails: Telnyx's failure words and code."""

    reason: str
    code: str


class ApiError(Exception):
    """Raised when the stand-in refuses a request; becomes Telnyx's error body."""

    def __init__(self, status: int, code: str, title: str, detail: str) -> None:
        super().__init__(f"{status} {code} {title}: {detail}")
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail

    def body(self) -> Record:
        """Telnyx's error document for this refusal."""
        return {"errors": [{"code": self.code, "title": self.title, "detail": self.detail}]}


def _not_found(what: str) -> ApiError:
    # 10005 "Resource not found" (https://developers.telnyx.com/development/api-fundamentals/
    # api-errors/index).
    return ApiError(404, "10005", "Resource not found", f"no {what}")


class TelnyxState:
    """What the stand-in remembers; every method is safe to call from several threads.

    Args:
        clock: Where record times come from (inject a ``ManualClock`` in tests).
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()
        self.lock = threading.RLock()
        self.messages: dict[str, Record] = {}
        self.phone_numbers: dict[str, Record] = {}
        self.number_orders: dict[str, Record] = {}
        self.profiles: dict[str, Record] = {}
        self.brands: dict[str, Record] = {}
        self.campaigns: dict[str, Record] = {}
        self.assignments: dict[str, Record] = {}
        self.texml_applications: dict[str, Record] = {}
        self.opt_outs: set[tuple[str, str]] = set()
        #: The 10DLC webhooks Telnyx would have posted, oldest first: ``event_type``,
        #: ``subject`` (brand id, campaign id or phone number), ``payload``, ``occurred_at``
        #: and ``url`` (the brand's or campaign's ``webhookURL``, if set).
        self.registry_events: list[Record] = []
        #: Whether a number order succeeds as soon as it is placed (else the driver ends it).
        self.complete_orders_at_once = True
        #: Whether a number assigned to a provisioned campaign is ``ASSIGNED`` at once (else
        #: it stays ``PENDING_ASSIGNMENT`` until the driver ends its review).
        self.complete_assignments_at_once = True
        self._failures: dict[str, list[Failure]] = {}
        self._for_sale = {
            f"+1{area}{exchange}{8000 + n:04d}": (area, state, city, postal)
            for area, state, city, postal in _INVENTORY
            for exchange in _EXCHANGES
            for n in range(_PER_EXCHANGE)
        }

    def now(self) -> str:
        """The clock's time as Telnyx writes it (ISO 8601, UTC)."""
        return self.clock.now().astimezone(UTC).isoformat()

    # -- steering (the driver) ---------------------------------------------------------------

    def fail_next(self, kind: str, failure: Failure) -> None:
        """The next review of a ``kind`` (``brand``, ``campaign``, ``assignment``) fails."""
        with self.lock:
            self._failures.setdefault(kind, []).append(failure)

    def _take_failure(self, kind: str) -> Failure | None:
        queue = self._failures.get(kind) or []
        return queue.pop(0) if queue else None

    def review(self, ref: str) -> None:
        """End the review of the brand, campaign, assignment or order ``ref`` names.

        ``ref`` is a brand id, campaign id, assigned phone number or order id, or a reference
        holding one of them (split on ``:``, ``/``, ``|`` or ``,``).
        """
        with self.lock:
            for part in [ref, *re.split(r"[:/|,]", ref)]:
                if part in self.brands:
                    self._review_brand(self.brands[part])
                    return
                if part in self.campaigns:
                    self._review_campaign(self.campaigns[part])
                    return
                if part in self.assignments:
                    self._review_assignment(self.assignments[part])
                    return
                if part in self.number_orders:
                    self.complete_order(part)
                    return
            raise KeyError(f"the stand-in holds nothing under {ref!r}")

    def _review_brand(self, brand: Record) -> None:
        failure = self._take_failure("brand")
        if failure is None:
            # BrandIdentityStatus: a reviewed brand is VERIFIED; a public company waits for
            # its contact's e-mail (UNVERIFIED until confirmed).
            public = brand.get("entityType") == "PUBLIC_PROFIT"
            brand |= {"status": "OK", "identityStatus": "UNVERIFIED" if public else "VERIFIED"}
            brand.pop("failureReasons", None)
        else:
            brand |= {"status": "REGISTRATION_FAILED", "failureReasons": failure.reason}
            brand["_failure_code"] = failure.code
        brand["updatedAt"] = self.now()
        # The event-notifications page's brand example (TCR_BRAND_UPDATE, BRAND_ADD, success);
        # a failure is a REGISTRATION update with its reasons.
        ok = failure is None
        self._keep_event(
            "10dlc.brand.update",
            str(brand["brandId"]),
            {
                "brandId": brand["brandId"],
                "tcrBrandId": brand.get("tcrBrandId"),
                "brandName": brand.get("displayName"),
                "type": "TCR_BRAND_UPDATE" if ok else "REGISTRATION",
                "status": "success" if ok else "failed",
                "description": f"Brand {brand.get('tcrBrandId')} is {'added' if ok else 'failed'}",
            }
            | ({"eventType": "BRAND_ADD"} if failure is None else {"reasons": [failure.reason]}),
            brand.get("webhookURL"),
        )

    def confirm_brand(self, brand_id: str) -> None:
        """The brand's contact confirms it: its identity turns ``VERIFIED``."""
        with self.lock:
            self.brands[brand_id]["identityStatus"] = "VERIFIED"

    def _review_campaign(self, campaign: Record) -> None:
        failure = self._take_failure("campaign")
        if failure is None:
            campaign |= {"campaignStatus": "MNO_PROVISIONED", "failureReasons": None}
        else:
            campaign |= {"campaignStatus": "TCR_FAILED", "failureReasons": failure.reason}
            campaign["_failure_code"] = failure.code
        campaign["updateDate"] = self.now()
        # CampaignStatusUpdateEvent (spec3.yml): MNO_REVIEW ACCEPTED once provisioned; a
        # refused registration is a REGISTRATION update, failed, with its reasons.
        ok = failure is None
        self._keep_event(
            "10dlc.campaign.update",
            str(campaign["campaignId"]),
            {
                "campaignId": campaign["campaignId"],
                "brandId": campaign.get("brandId"),
                "type": "MNO_REVIEW" if ok else "REGISTRATION",
                "status": "ACCEPTED" if ok else "failed",
                "description": (
                    f"Campaign {campaign.get('tcrCampaignId')} "
                    f"{'provisioned by the carriers' if ok else 'failed registration'}"
                ),
            }
            | ({} if failure is None else {"reasons": [failure.reason]}),
            campaign.get("webhookURL"),
        )

    def _review_assignment(self, assignment: Record) -> None:
        failure = self._take_failure("assignment")
        if failure is None:
            assignment |= {"assignmentStatus": "ASSIGNED", "failureReasons": None}
        else:
            assignment |= {
                "assignmentStatus": "FAILED_ASSIGNMENT",
                "failureReasons": failure.reason,
            }
        assignment["updatedAt"] = self.now()
        self._assignment_event(assignment, failure)

    def _assignment_event(self, assignment: Record, failure: Failure | None) -> None:
        """Keep the ``10dlc.phone_number.update`` Telnyx posts about a reviewed assignment.

        Payload ``type`` ``ASSIGNMENT``, ``status`` ``success`` or ``failed`` with the
        ``reasons`` (https://developers.telnyx.com/docs/messaging/10dlc/event-notifications).
        """
        campaign = self.campaigns.get(str(assignment["campaignId"]), {})
        payload: Record = {
            "type": "ASSIGNMENT",
            "phoneNumber": assignment["phoneNumber"],
            "campaignId": assignment["campaignId"],
            "brandId": campaign.get("brandId"),
            "status": "success" if failure is None else "failed",
            "description": (
                f"Phone number {assignment['phoneNumber']} "
                f"{'assigned to' if failure is None else 'failed to be assigned to'} campaign "
                f"{campaign.get('tcrCampaignId', assignment['campaignId'])}"
            ),
        }
        if failure is not None:
            payload["reasons"] = [failure.reason]
        number = str(assignment["phoneNumber"])
        self._keep_event("10dlc.phone_number.update", number, payload, campaign.get("webhookURL"))

    def _keep_event(self, event_type: str, subject: str, payload: Record, url: object) -> None:
        self.registry_events.append(
            {
                "event_type": event_type,
                "subject": subject,
                "payload": payload,
                "occurred_at": self.now(),
                "url": url if isinstance(url, str) and url else None,
            }
        )

    def take_registry_events(self, subject: str) -> list[Record]:
        """The 10DLC webhooks about ``subject`` not taken yet, oldest first.

        ``subject`` is a phone number (its assignment), a campaign id or a brand id.
        """
        with self.lock:
            taken: list[Record] = []
            kept: list[Record] = []
            for event in self.registry_events:
                (taken if event["subject"] == subject else kept).append(event)
            self.registry_events = kept
            return [_copy(event) for event in taken]

    def assignment_pending(self, phone_number: str) -> bool:
        """Whether ``phone_number``'s assignment to a campaign awaits its review."""
        with self.lock:
            found = self.assignments.get(phone_number) or {}
            return found.get("assignmentStatus") == "PENDING_ASSIGNMENT"

    def complete_order(self, order_id: str) -> Record:
        """Finish a pending number order: its numbers become the account's."""
        with self.lock:
            order = self.number_orders[order_id]
            if order["status"] == "pending":
                for item in order["phone_numbers"]:
                    item["status"] = "success"
                    self._own(item["phone_number"], order.get("messaging_profile_id"))
                order |= {"status": "success", "updated_at": self.now()}
            return order

    def _own(self, number: str, profile_id: str | None) -> Record:
        self._for_sale.pop(number, None)
        record: Record = {
            "record_type": "phone_number",
            "id": str(_snowflake()),
            "phone_number": number,
            "status": "active",
            "tags": [],
            "connection_id": None,
            "messaging_profile_id": profile_id,
            "purchased_at": self.now(),
            "created_at": self.now(),
            "updated_at": self.now(),
            "_voice": {"call_forwarding_enabled": True, "forwards_to": None},
        }
        self.phone_numbers[record["id"]] = record
        return record

    def add_line(self, number: str, profile_id: str | None, *, campaign_id: str | None) -> Record:
        """A number the account holds, seeded without a purchase (for the driver)."""
        with self.lock:
            record = self._own(number, profile_id)
            if campaign_id is not None:
                self.assignments[number] = self._assignment(number, campaign_id, "ASSIGNED")
            return record

    def opt_out(self, sender: str, recipient: str) -> None:
        """``recipient`` texted STOP to ``sender``."""
        with self.lock:
            self.opt_outs.add((sender, recipient))

    def report(self, message_id: str, status: str, code: str | None = None) -> Record:
        """Move a message to Telnyx's ``status``, with the error ``code`` if given."""
        with self.lock:
            record = self.messages[message_id]
            record["to"][0]["status"] = status
            if code is not None:
                record["errors"] = [{"code": code, "title": "Delivery failed", "detail": status}]
            if status in {"sent", "delivered", "delivery_failed", "delivery_unconfirmed"}:
                record["sent_at"] = record["sent_at"] or self.now()
            if status not in {"queued", "sending", "sent"}:
                record["completed_at"] = self.now()
            return _copy(record)

    def line(self, number: str) -> Record | None:
        """The account's record of ``number``."""
        with self.lock:
            for record in self.phone_numbers.values():
                if record["phone_number"] == number:
                    return record
            return None

    # -- the API -----------------------------------------------------------------------------

    def send(self, body: Record) -> Record:
        """``POST /messages``: a ``CreateMessageRequest`` to an ``OutboundMessagePayload``."""
        sender, to = str(body.get("from", "")), str(body.get("to", ""))
        if not re.fullmatch(r"\+[1-9]\d{7,14}", to):
            # 10016 "Phone number must be in +E.164 format" (API error list).
            raise ApiError(400, "10016", "Phone number must be in +E.164 format", to)
        with self.lock:
            if (sender, to) in self.opt_outs:
                # https://developers.telnyx.com/api/errors/40300 "Blocked due to STOP message".
                raise ApiError(
                    409,
                    "40300",
                    "Blocked due to STOP message",
                    f"{to} opted out of texts from {sender}",
                )
            line = self.line(sender)
            profile = body.get("messaging_profile_id") or (line or {}).get("messaging_profile_id")
            assignment = self.assignments.get(sender)
            sendable = line is not None and (assignment or {}).get("assignmentStatus") == "ASSIGNED"
            record: Record = {
                "record_type": "message",
                "direction": "outbound",
                "id": str(uuid.uuid4()),
                "type": "SMS",
                "messaging_profile_id": profile,
                "from": {"phone_number": sender, "carrier": "Telnyx", "line_type": "VoIP"},
                "to": [{"phone_number": to, "status": "queued", "carrier": "", "line_type": ""}],
                "text": body.get("text", ""),
                "encoding": "GSM-7",
                "parts": 1,
                "tags": [],
                "webhook_url": body.get("webhook_url"),
                "webhook_failover_url": body.get("webhook_failover_url"),
                "valid_until": None,
                "received_at": self.now(),
                "sent_at": None,
                "completed_at": None,
                "errors": [],
                "cost": None,
            }
            self.messages[record["id"]] = record
            if not sendable:
                # Accepted, then refused: 40013 "Invalid source number ... Check that your
                # number is active and messaging-enabled"
                # (https://developers.telnyx.com/docs/messaging/messages/error-codes/index):
                # a number on no approved 10DLC campaign may not send to US numbers.
                self.report(record["id"], "sending_failed", "40013")
            return _copy(record)

    def message(self, message_id: str) -> Record:
        """``GET /messages/{id}``."""
        with self.lock:
            if message_id not in self.messages:
                raise _not_found(f"message {message_id}")
            return _copy(self.messages[message_id])

    def detail_records(self, query: Mapping[str, str]) -> list[Record]:
        """``GET /detail_records``: the messages' detail records, filtered.

        Telnyx makes a message's record when the message is submitted
        (https://developers.telnyx.com/docs/messaging/messages/message-detail-records), so
        every message the stand-in holds has one: a ``MessageDetailRecord`` (spec3.yml) whose
        ``delivery_status_webhook_url`` is the message's ``webhook_url``. ``filter[<field>]``
        matches a field exactly and ``filter[<field>][contains]`` a part of it; a field a
        messaging record does not have is refused with 400 ("filtering by a field that does
        not exist for the selected record_type is rejected with a 400 error", the ``filter``
        parameter of the ``telnyx`` package's ``detail_records.list``).
        """
        wanted: dict[tuple[str, str], str] = {}
        for key, value in query.items():
            match = re.fullmatch(r"filter\[(\w+)\](?:\[(\w+)\])?", key)
            if match:
                wanted[(match[1], match[2] or "eq")] = value
        if wanted.pop(("record_type", "eq"), None) != "messaging":
            raise ApiError(400, "10015", "Bad Request", "the stand-in keeps messaging records only")
        with self.lock:
            records = [_detail_record(m) for m in self.messages.values()]
        for field, operator in wanted:
            if field not in _DETAIL_RECORD_FIELDS or operator not in {"eq", "contains"}:
                raise ApiError(
                    400, "10015", "Bad Request", f"messaging records cannot be filtered on {field}"
                )
        size = int(query.get("page[size]", "20"))
        return [
            record
            for record in records
            if all(
                (str(record.get(field) or "") == value)
                if operator == "eq"
                else (value in str(record.get(field) or ""))
                for (field, operator), value in wanted.items()
            )
        ][:size]

    def available(self, query: Mapping[str, str]) -> list[Record]:
        """``GET /available_phone_numbers`` with its ``filter[...]`` parameters."""
        area = query.get("filter[national_destination_code]")
        region = query.get("filter[administrative_area]")
        locality = query.get("filter[locality]")
        contains = query.get("filter[phone_number][contains]")
        limit = int(query.get("filter[limit]", "20"))
        country = query.get("filter[country_code]", "US")
        found: list[Record] = []
        with self.lock:
            for number, (code, state, city, _postal) in sorted(self._for_sale.items()):
                if country != "US" or (area and area != code) or (region and region != state):
                    continue
                if (locality and locality.lower() != city.lower()) or (
                    contains and contains not in number
                ):
                    continue
                found.append(_offer(number, state, city))
        return found[:limit]

    def order(self, body: Record) -> Record:
        """``POST /number_orders``: buy the numbers of a ``CreateNumberOrderRequest``."""
        wanted = [str(item.get("phone_number")) for item in body.get("phone_numbers") or []]
        with self.lock:
            for number in wanted:
                if number not in self._for_sale:
                    # 10005 in the shape of an order refusal: the number is not for sale.
                    raise ApiError(
                        422, "10015", "Bad Request", f"{number} is not available to order"
                    )
            for number in wanted:
                self._for_sale.pop(number)
            order: Record = {
                "record_type": "number_order",
                "id": str(uuid.uuid4()),
                "status": "pending",
                "phone_numbers_count": len(wanted),
                "phone_numbers": [
                    {
                        "record_type": "number_order_phone_number",
                        "id": str(uuid.uuid4()),
                        "phone_number": number,
                        "status": "pending",
                        "regulatory_requirements": [],
                        "requirements_met": True,
                    }
                    for number in wanted
                ],
                "messaging_profile_id": body.get("messaging_profile_id"),
                "connection_id": body.get("connection_id"),
                "customer_reference": body.get("customer_reference"),
                "billing_group_id": body.get("billing_group_id"),
                "requirements_met": True,
                "sub_number_orders_ids": [],
                "created_at": self.now(),
                "updated_at": self.now(),
            }
            self.number_orders[order["id"]] = order
            if self.complete_orders_at_once:
                self.complete_order(order["id"])
            return _copy(order)

    def orders(self, customer_reference: str | None) -> list[Record]:
        """``GET /number_orders``, with ``filter[customer_reference]`` matched exactly."""
        with self.lock:
            return [
                _copy(order)
                for order in self.number_orders.values()
                if customer_reference is None
                or order.get("customer_reference") == customer_reference
            ]

    def profile(self, body: Record, profile_id: str | None = None) -> Record:
        """Create (``POST``) or update (``PATCH``) a messaging profile."""
        with self.lock:
            if profile_id is None:
                profile_id = str(uuid.uuid4())
                self.profiles[profile_id] = {
                    "record_type": "messaging_profile",
                    "id": profile_id,
                    "enabled": True,
                    "webhook_api_version": "2",
                    "whitelisted_destinations": ["US"],
                    "created_at": self.now(),
                }
            elif profile_id not in self.profiles:
                raise _not_found(f"messaging profile {profile_id}")
            record = self.profiles[profile_id]
            record.update(body)
            record["updated_at"] = self.now()
            return dict(record)

    def brand(self, body: Record) -> Record:
        """``POST /10dlc/brand``: a brand, pending review."""
        with self.lock:
            brand_id = str(uuid.uuid4())
            record = dict(body) | {
                "brandId": brand_id,
                "tcrBrandId": f"B{uuid.uuid4().hex[:6].upper()}",
                "status": "REGISTRATION_PENDING",
                "identityStatus": "UNVERIFIED",
                "createdAt": self.now(),
                "updatedAt": self.now(),
            }
            self.brands[brand_id] = record
            return _public(record)

    def campaign(self, body: Record) -> Record:
        """``POST /10dlc/campaignBuilder``: a campaign of an approved brand, pending review."""
        with self.lock:
            brand = self.brands.get(str(body.get("brandId")))
            if brand is None or brand["status"] != "OK":
                raise ApiError(
                    400, "10015", "Bad Request", "the brand does not exist or is not approved"
                )
            campaign_id = str(uuid.uuid4())
            record = dict(body) | {
                "campaignId": campaign_id,
                "tcrCampaignId": f"C{uuid.uuid4().hex[:6].upper()}",
                "campaignStatus": "TCR_PENDING",
                "createDate": self.now(),
                "failureReasons": None,
            }
            self.campaigns[campaign_id] = record
            return _public(record)

    def _assignment(self, number: str, campaign_id: str, status: str) -> Record:
        return {
            "phoneNumber": number,
            "campaignId": campaign_id,
            "assignmentStatus": status,
            "failureReasons": None,
            "createdAt": self.now(),
            "updatedAt": self.now(),
        }

    def assign(self, body: Record) -> Record:
        """``POST /10dlc/phone_number_campaigns``: a number joins a campaign, pending."""
        number, campaign_id = str(body.get("phoneNumber")), str(body.get("campaignId"))
        with self.lock:
            if self.line(number) is None:
                raise _not_found(f"phone number {number}")
            if campaign_id not in self.campaigns:
                raise _not_found(f"campaign {campaign_id}")
            current = self.assignments.get(number)
            if current is None or current["campaignId"] != campaign_id:
                current = self._assignment(number, campaign_id, "PENDING_ASSIGNMENT")
                self.assignments[number] = current
                provisioned = self.campaigns[campaign_id]["campaignStatus"] == "MNO_PROVISIONED"
                failing = bool(self._failures.get("assignment"))
                if self.complete_assignments_at_once and provisioned and not failing:
                    self._review_assignment(current)
            return dict(current)

    def answer(self, method: str, path: str, query: Mapping[str, str], body: Record) -> Any:  # noqa: PLR0911, PLR0912 - one branch per route reads best
        """The JSON answer to a validated request under ``/v2``."""
        parts = path.strip("/").split("/")
        route = (method, *parts)
        match route:
            case ("POST", "messages"):
                return {"data": self.send(body)}
            case ("GET", "messages", message_id):
                return {"data": self.message(message_id)}
            case ("GET", "detail_records"):
                found = self.detail_records(query)
                return {"data": found, "meta": _page(len(found))}
            case ("GET", "available_phone_numbers"):
                found = self.available(query)
                return {"data": found, "metadata": {"total_results": len(found)}}
            case ("POST", "number_orders"):
                return {"data": self.order(body)}
            case ("GET", "number_orders"):
                rows = self.orders(query.get("filter[customer_reference]"))
                return {"data": rows, "meta": _page(len(rows))}
            case ("GET" | "PATCH", "number_orders", order_id):
                with self.lock:
                    if order_id not in self.number_orders:
                        raise _not_found(f"number order {order_id}")
                    order = self.number_orders[order_id]
                    if method == "PATCH" and "customer_reference" in body:
                        # UpdateNumberOrderRequest: "A customer reference string for
                        # customer look ups".
                        order |= {
                            "customer_reference": body["customer_reference"],
                            "updated_at": self.now(),
                        }
                    return {"data": _copy(order)}
            case ("GET", "phone_numbers"):
                rows = self.numbers(query.get("filter[phone_number]"))
                return {"data": rows, "meta": _page(len(rows))}
            case ("GET" | "PATCH" | "DELETE", "phone_numbers", number_id, *rest):
                return {"data": self._phone_number(method, number_id, tuple(rest), body)}
            case ("POST", "messaging_profiles"):
                return {"data": self.profile(body)}
            case ("GET", "messaging_profiles"):
                with self.lock:
                    rows = [dict(p) for p in self.profiles.values()]
                return {"data": rows, "meta": _page(len(rows))}
            case ("GET" | "PATCH" | "DELETE", "messaging_profiles", profile_id):
                if method == "PATCH":
                    return {"data": self.profile(body, profile_id)}
                with self.lock:
                    if profile_id not in self.profiles:
                        raise _not_found(f"messaging profile {profile_id}")
                    record = (
                        self.profiles.pop(profile_id)
                        if method == "DELETE"
                        else self.profiles[profile_id]
                    )
                    return {"data": dict(record)}
            case (_, "10dlc", *rest):
                return self._registry(method, tuple(rest), body)
            case (_, "texml_applications", *rest):
                return self.texml_application(method, tuple(rest), query, body)
        raise ApiError(
            404, "10005", "Resource not found", f"the stand-in serves no {method} {path}"
        )

    def _registry(self, method: str, parts: tuple[str, ...], body: Record) -> Record:  # noqa: PLR0911 - one return per route
        """The 10DLC routes (``/10dlc/...``): brands, campaigns and number assignments.

        Answers are not wrapped in ``data`` (``TelnyxBrand``, ``TelnyxCampaign_CSP``,
        ``PhoneNumberCampaign``, ``BrandFeedback`` of ``spec3.yml``). Changing a brand
        (``PUT``) puts it back under review, as a resubmission; changing a campaign (its
        samples or webhooks) does not.
        """
        match (method, *parts):
            case ("POST", "brand"):
                return self.brand(body)
            case ("GET", "brand"):
                with self.lock:
                    rows = [_public(brand) for brand in self.brands.values()]
                return {"records": rows, "page": 1, "totalRecords": len(rows)}
            case ("POST", "brand", brand_id, "2faEmail"):
                return self.resend_2fa_email(brand_id)
            case ("GET", "brand", "feedback", brand_id):
                return self.feedback(brand_id)
            case ("GET" | "PUT" | "DELETE", "brand", brand_id):
                return self._change(self.brands, brand_id, "brand", method, body)
            case ("POST", "campaignBuilder"):
                return self.campaign(body)
            case ("GET" | "PUT" | "DELETE", "campaign", campaign_id):
                return self._change(self.campaigns, campaign_id, "campaign", method, body)
            case ("POST", "phone_number_campaigns"):
                return self.assign(body)
            case ("GET", "phone_number_campaigns"):
                with self.lock:
                    rows = [dict(item) for item in self.assignments.values()]
                return {"records": rows, "page": 1, "totalRecords": len(rows)}
            case ("PUT", "phone_number_campaigns", number):
                return self.assign(body | {"phoneNumber": number})
            case ("GET" | "DELETE", "phone_number_campaigns", number):
                with self.lock:
                    found = self._get(self.assignments, number, "campaign assignment")
                    if method == "DELETE":
                        del self.assignments[number]
                    return dict(found)
        raise ApiError(
            404, "10005", "Resource not found", f"the stand-in serves no {method} /10dlc"
        )

    def resend_2fa_email(self, brand_id: str) -> Record:
        """``POST /10dlc/brand/{brandId}/2faEmail`` (``ResendBrand2faEmail``): counted.

        Telnyx answers 200 with no body (``spec3.yml``); the stand-in's transport does too.
        """
        with self.lock:
            brand = self._get(self.brands, brand_id, "brand")
            brand["_2fa_emails"] = int(brand.get("_2fa_emails", 0)) + 1
            return {}

    def feedback(self, brand_id: str) -> Record:
        """``GET /10dlc/brand/feedback/{brandId}``: why the brand's review failed.

        A ``BrandFeedback``: its ``category`` items have an ``id`` ("One of ``TAX_ID``,
        ``STOCK_SYMBOL``, ``GOVERNMENT_ENTITY``, ``NONPROFIT``, and ``OTHERS``"), a
        ``displayName``, a ``description`` and the brand ``fields`` concerned (``spec3.yml``).
        """
        with self.lock:
            brand = self._get(self.brands, brand_id, "brand")
            code = brand.get("_failure_code")
            category = (
                []
                if code is None
                else [
                    {
                        "id": code,
                        "displayName": code.replace("_", " ").title(),
                        "description": brand.get("failureReasons") or "",
                        "fields": [],
                    }
                ]
            )
            return {"brandId": brand_id, "category": category}

    def _change(
        self, table: dict[str, Record], key: str, what: str, method: str, body: Record
    ) -> Record:
        with self.lock:
            record = self._get(table, key, what)
            if method == "DELETE":
                del table[key]
            elif method == "PUT" and what == "campaign":
                # UpdateCampaign: "only sample messages are editable" (and the webhooks,
                # UpdateCampaignRequest in spec3.yml); no new review.
                record.update(body)
            elif method == "PUT":
                record.update(body)
                record.pop("_failure_code", None)
                record |= {"status": "REGISTRATION_PENDING", "failureReasons": None}
            return _public(record)

    def texml_application(
        self, method: str, parts: tuple[str, ...], query: Mapping[str, str], body: Record
    ) -> Record:
        """``/texml_applications``: list (``filter[friendly_name]``), create, read, change.

        A ``TexmlApplication`` of ``spec3.yml``. The name filter matches "applications with
        ``friendly_name`` containing the given value ... not case-sensitive" (the ``telnyx``
        package's ``texml_application_list_params.Filter``); the list is sorted by
        ``created_at``, oldest first, as ``sort=created_at`` asks.
        """
        with self.lock:
            match (method, *parts):
                case ("GET",):
                    wanted = query.get("filter[friendly_name]", "").lower()
                    rows = [
                        dict(app)
                        for app in self.texml_applications.values()
                        if wanted in str(app.get("friendly_name", "")).lower()
                    ]
                    return {"data": rows, "meta": _page(len(rows))}
                case ("POST",):
                    app_id = str(_snowflake())
                    self.texml_applications[app_id] = {
                        "record_type": "texml_application",
                        "id": app_id,
                        "active": True,
                        "voice_method": "post",
                        "status_callback": None,
                        "created_at": self.now(),
                    } | dict(body)
                    app = self.texml_applications[app_id]
                case ("GET" | "PATCH" | "DELETE", app_id):
                    app = self._get(self.texml_applications, app_id, "TeXML application")
                    if method == "PATCH":
                        app.update(body)
                    elif method == "DELETE":
                        del self.texml_applications[app_id]
                case _:
                    raise _not_found("such TeXML application route")
            app["updated_at"] = self.now()
            return {"data": dict(app)}

    def voice_url_of(self, number: str) -> str | None:
        """Where Telnyx would fetch instructions for a call to ``number``: its TeXML app's URL."""
        with self.lock:
            record = self.line(number) or {}
            app = self.texml_applications.get(str(record.get("connection_id")))
            return None if app is None else str(app["voice_url"])

    def numbers(self, wanted: str | None) -> list[Record]:
        """``GET /phone_numbers``, filtered by ``filter[phone_number]`` when given.

        The filter matches digits within the number: "Filter by phone number. Requires at
        least three digits. Non-numerical characters will result in no values being
        returned" (``ListPhoneNumbers`` in ``spec3.yml``); so ``+1415...`` finds nothing.
        """
        if wanted is not None and not (wanted.isdigit() and len(wanted) >= 3):
            return []
        with self.lock:
            return [
                _public(record)
                for record in self.phone_numbers.values()
                if wanted is None or wanted in record["phone_number"]
            ]

    def _get(self, table: dict[str, Record], key: str, what: str) -> Record:
        with self.lock:
            if key not in table:
                raise _not_found(f"{what} {key}")
            return table[key]

    def _phone_number(
        self, method: str, number_id: str, rest: tuple[str, ...], body: Record
    ) -> Record:
        with self.lock:
            record = self._get(self.phone_numbers, number_id, "phone number")
            if method == "DELETE" and not rest:
                del self.phone_numbers[number_id]
                self.assignments.pop(record["phone_number"], None)
                return _public(record | {"status": "deleted"})
            if rest == ("voice",):
                if method == "PATCH":
                    record["_voice"].update(body.get("call_forwarding") or {})
                return {
                    "record_type": "voice_settings",
                    "id": number_id,
                    "call_forwarding": dict(record["_voice"]),
                }
            if rest in {("messaging",), ()} and method == "PATCH":
                changed = {"messaging_profile_id", "tags", "connection_id", "customer_reference"}
                record.update({k: v for k, v in body.items() if k in changed})
                record["updated_at"] = self.now()
            if rest == ("messaging",):
                return {
                    "record_type": "messaging_settings",
                    "id": number_id,
                    "phone_number": record["phone_number"],
                    "messaging_profile_id": record.get("messaging_profile_id"),
                    "country_code": "US",
                    "type": "long-code",
                }
            if rest:
                raise _not_found(f"phone number sub-resource {'/'.join(rest)}")
            return _public(record)


_counter = itertools.count(1_293_384_261_075_731_499)


#: The fields of a ``MessageDetailRecord`` (spec3.yml) the stand-in fills, and so filters on.
_DETAIL_RECORD_FIELDS = frozenset(
    {
        "uuid",
        "direction",
        "cli",
        "cld",
        "status",
        "profile_id",
        "created_at",
        "delivery_status_webhook_url",
        "delivery_status_failover_url",
    }
)


def _detail_record(message: Record) -> Record:
    """The message detail record of a message the stand-in holds."""
    status = message["to"][0]["status"]
    return {
        "record_type": "message_detail_record",
        "uuid": message["id"],
        "direction": message["direction"],
        "message_type": message["type"],
        "cli": message["from"]["phone_number"],
        "cld": message["to"][0]["phone_number"],
        # Its final status ("Final status of the message after the delivery attempt").
        "status": status if status in {"delivered", "failed"} else None,
        "profile_id": message["messaging_profile_id"],
        "parts": message["parts"],
        "created_at": message["received_at"],
        "delivery_status_webhook_url": message["webhook_url"],
        "delivery_status_failover_url": message["webhook_failover_url"],
        "errors": [str(error["code"]) for error in message["errors"]],
    }


def _snowflake() -> int:
    """A phone number id: Telnyx's are decimal integers (``PhoneNumberDetailed.id`` example)."""
    return next(_counter)


def _copy(record: Record) -> Record:
    """A deep copy of a JSON record, so a caller cannot change the state through it."""
    copied: Record = json.loads(json.dumps(record))
    return copied


def _public(record: Record) -> Record:
    """A record without the stand-in's own bookkeeping (keys starting ``_``)."""
    return {key: value for key, value in record.items() if not key.startswith("_")}


def _page(total: int) -> Record:
    return {"page_number": 1, "page_size": max(total, 20), "total_pages": 1, "total_results": total}


def _offer(number: str, state: str, city: str) -> Record:
    """An ``AvailablePhoneNumber`` (fields and region types as in ``spec3.yml``'s example)."""
    return {
        "record_type": "available_phone_number",
        "phone_number": number,
        "vanity_format": "",
        "best_effort": False,
        "quickship": True,
        "reservable": True,
        "region_information": [
            {"region_type": "country_code", "region_name": "US"},
            {"region_type": "state", "region_name": state},
            {"region_type": "location", "region_name": city},
            {"region_type": "rate_center", "region_name": city.upper()},
        ],
        "cost_information": {"upfront_cost": "1.00", "monthly_cost": "1.00", "currency": "USD"},
        "features": [{"name": "sms"}, {"name": "mms"}, {"name": "voice"}],
    }


class TelnyxStandIn:
    """The stand-in: a handler for ``httpx.MockTransport``.

    Args:
        state: The memory to answer from; a fresh one by default.
        prism: Prism's base URL (``http://127.0.0.1:4010``); without it nothing is validated.
        api_key: The bearer key every request must carry.
        latency: Seconds every answer is held back, to stand for the network.
    """

    def __init__(
        self,
        state: TelnyxState | None = None,
        *,
        prism: str | None = None,
        api_key: str = API_KEY,
        latency: float = 0.0,
    ) -> None:
        self.state = state or TelnyxState()
        self.api_key = api_key
        self.latency = latency
        self._lost_sends: list[str] = []
        self.requests: list[httpx.Request] = []
        self._prism = prism
        self._forwarder = httpx.Client(timeout=30.0, trust_env=False) if prism else None
        self._violations: list[Violation] = []
        self._lock = threading.Lock()

    @property
    def validated(self) -> bool:
        """Whether requests are checked by Prism."""
        return self._forwarder is not None

    def take_violations(self) -> list[Violation]:
        """The requests Prism refused since the last call."""
        with self._lock:
            taken, self._violations = self._violations, []
        return taken

    def close(self) -> None:
        """Close the connection to Prism."""
        if self._forwarder is not None:
            self._forwarder.close()

    def lose_next_sends(self, *how: str) -> None:
        """Spoil the answers to the next sends, one per item, after the message is made.

        ``"502"``: a gateway's HTML error page; ``"drop"``: the connection closes unanswered
        (``httpx.RemoteProtocolError``, what httpx raises then).
        """
        unknown = set(how) - {"502", "drop"}
        if unknown:
            raise ValueError(f"a send's answer is lost as '502' or 'drop', not {unknown}")
        with self._lock:
            self._lost_sends.extend(how)

    def transport(self) -> httpx.MockTransport:
        """A transport answered by this stand-in."""
        return httpx.MockTransport(self)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        """Validate ``request`` with Prism, then answer it from the state."""
        if self.latency:
            time.sleep(self.latency)
        with self._lock:
            self.requests.append(request)
        path = request.url.path
        if not path.startswith("/v2/"):
            return _json(404, _not_found(f"path {path} (the API is under /v2)").body())
        if (refused := self._validate(request)) is not None:
            return refused
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            # 10009 "Authentication failed" (API error list).
            failed = ApiError(401, "10009", "Authentication failed", "unknown API key")
            return _json(401, failed.body())
        try:
            body = json.loads(request.content) if request.content else {}
        except ValueError:
            return _json(400, {"errors": [{"code": "10023", "title": "Invalid JSON"}]})
        query = dict(parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True))
        try:
            answer = self.state.answer(request.method, path[len("/v2") :], query, body)
        except ApiError as error:
            return _json(error.status, error.body())
        spoiled = self._spoiled(request) if path == "/v2/messages" else None
        # {} stands for an operation Telnyx answers without a body.
        return spoiled or (_json(200, answer) if answer != {} else httpx.Response(200))

    def _spoiled(self, request: httpx.Request) -> httpx.Response | None:
        with self._lock:
            how = self._lost_sends.pop(0) if self._lost_sends else None
        if how == "drop":
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        if how == "502":
            page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
            return httpx.Response(502, content=page, headers={"Content-Type": "text/html"})
        return None

    def _validate(self, request: httpx.Request) -> httpx.Response | None:
        if self._forwarder is None:
            return None
        headers = {
            key: value
            for key, value in request.headers.items()
            if key.lower() not in {"host", "content-length", "connection", "accept-encoding"}
        }
        target = f"{self._prism}{request.url.raw_path.decode('ascii')}"
        try:
            checked = self._forwarder.request(
                request.method, target, headers=headers, content=request.content
            )
        except httpx.HTTPError as err:
            return self._refuse(request, 599, f"Prism did not answer: {err!r}", None)
        if checked.status_code < 400:
            return None
        return self._refuse(request, checked.status_code, _prism_detail(checked), checked)

    def _refuse(
        self, request: httpx.Request, status: int, detail: str, answer: httpx.Response | None
    ) -> httpx.Response:
        with self._lock:
            self._violations.append(Violation(request.method, request.url.path, status, detail))
        if answer is None:
            return _json(status, {"errors": [{"code": "10007", "detail": detail}]})
        return httpx.Response(status, content=answer.content, headers=dict(answer.headers))


def _prism_detail(refusal: httpx.Response) -> str:
    header = refusal.headers.get("sl-violations")
    if header:
        return str(header)[:500]
    try:
        problem = refusal.json()
    except ValueError:
        return refusal.text[:500]
    if not isinstance(problem, dict):
        return str(problem)[:500]
    messages = [str(item.get("message", "")) for item in problem.get("validation") or []]
    return "; ".join(messages) or str(problem.get("detail") or problem.get("title") or problem)


def _json(status: int, body: object) -> httpx.Response:
    return httpx.Response(status, json=body)
