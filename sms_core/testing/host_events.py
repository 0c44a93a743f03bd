"""A plugin that keeps the host events it hears, for tests of code that reacts to them."""

from __future__ import annotations

import threading
from typing import TypeVar

from sms_core.domain.host_events import (
    HostEvent,
    InboundTextStored,
    LineChanged,
    MessageStatusChanged,
    OptOutChanged,
    RegistrationStepChanged,
)
from sms_core.hookspecs import hookimpl

__all__ = ["HostEventLog"]

_E = TypeVar("_E", bound=HostEvent)


class HostEventLog:
    """Implements every host event hook and keeps the events, in the order heard.

    Register it beside the plugins under test (``SmsAdmin.open(plugins=[..., log])``); it is
    safe to share between threads.

    Attributes:
        events: Every event heard, redeliveries included.
    """

    def __init__(self) -> None:
        self.events: list[HostEvent] = []
        self._lock = threading.Lock()

    def of(self, kind: type[_E]) -> list[_E]:
        """The events of one kind, in the order heard."""
        with self._lock:
            return [event for event in self.events if isinstance(event, kind)]

    def _keep(self, event: HostEvent) -> None:
        with self._lock:
            self.events.append(event)

    @hookimpl
    def sms_message_status_changed(self, event: MessageStatusChanged) -> None:
        """Keep the event."""
        self._keep(event)

    @hookimpl
    def sms_inbound_text_stored(self, event: InboundTextStored) -> None:
        """Keep the event."""
        self._keep(event)

    @hookimpl
    def sms_opt_out_changed(self, event: OptOutChanged) -> None:
        """Keep the event."""
        self._keep(event)

    @hookimpl
    def sms_registration_step_changed(self, event: RegistrationStepChanged) -> None:
        """Keep the event."""
        self._keep(event)

    @hookimpl
    def sms_line_changed(self, event: LineChanged) -> None:
        """Keep the event."""
        self._keep(event)
