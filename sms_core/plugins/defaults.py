"""The core's own answers to the host hooks, used when no host plugin answers.

Without a host plugin:

* a number serves one user (no sharing), a user is on at most one line, a mass text reaches at
  most 50 recipients, bodies may be as long as the carrier allows, there are no seats, and
  quiet hours are enforced;
* inactive users may do nothing; active users may send and read history; managing numbers or
  registration needs the ``sms.admin`` permission; changing the forwarding of one's own line
  needs nothing more (the services check that the actor is on the line, and ask for
  ``MANAGE_NUMBERS`` otherwise).
"""

from __future__ import annotations

from sms_core.domain import Account, Action, Decision, HostPolicy, User
from sms_core.hookspecs import hookimpl

__all__ = ["ADMIN_PERMISSION", "DEFAULT_POLICY"]

#: The permission that grants admin actions when no host plugin is active.
ADMIN_PERMISSION = "sms.admin"

#: The policy that applies when no host plugin is active.
DEFAULT_POLICY = HostPolicy()

_ADMIN_ACTIONS = frozenset({Action.MANAGE_NUMBERS, Action.MANAGE_REGISTRATION})


@hookimpl(trylast=True)
def sms_host_policy(account: Account) -> HostPolicy:
    """The core default policy."""
    return DEFAULT_POLICY


@hookimpl(trylast=True)
def sms_authorize(account: Account, actor: User, action: Action) -> Decision:
    """The core default permissions."""
    if not actor.active:
        return Decision.deny(f"user {actor.id!r} is inactive; reactivate them in the host first")
    if action in _ADMIN_ACTIONS and ADMIN_PERMISSION not in actor.permissions:
        return Decision.deny(
            f"user {actor.id!r} lacks the {ADMIN_PERMISSION!r} permission needed to {action.value}"
        )
    return Decision.allow()
