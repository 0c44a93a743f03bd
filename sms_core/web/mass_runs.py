"""Mass texts the web UI sends in the background, and what each has settled so far.

The *Mass text* screen shows each recipient's outcome as it is settled, under a ``<progress>``
of "N of M done" (:mod:`sms_core.web.mass_text`). Two shapes were weighed:

- a *streamed* answer to the POST, writing a row as each text settles: the send would be tied
  to one HTTP response, htmx swaps only a whole answer (so the page would need script of its
  own, or a full page load the CSP'd page cannot update in place), and a test would have to
  read a stream at the right moments;
- the POST *starts* the mass text and the page polls a fragment (htmx ``every 1s``) that reads
  what the mass text has settled: the one chosen.

So :meth:`MassRuns.start` runs ``messages.send_mass`` in a thread of its own, with the service's
``progress`` callback filling a :class:`MassRun`; the fragment reads a :class:`RunView`, a
snapshot. Before starting, the POST asks ``messages.check_mass``, so a mass text refused whole
(over the host's cap, a body too long, a user who may not text) is refused at once, as before,
with nothing sent. No rule is here: the services check and send; this only runs and reports.

What stays true when the browser goes away mid-send: the send does not depend on the browser.
It finishes in its thread (a non-daemon thread: the process waits for it on a clean stop).
Should the process die, every text was stored before its carrier call, so recovery
(``smsadmin serve``, ``reconcile``) settles them, and the page's form, sent again with the same
idempotency key, reaches only the recipients not reached before; a second POST with the key of
a mass text still running shows that run instead of starting another.

Bounds: at most :data:`MAX_RUNNING` mass texts run at once per web app (another is refused,
nothing sent, with a :class:`~sms_core.exceptions.WebRequestError`); the last :data:`KEEP`
finished ones are kept for their pages. A run's progress lives in the process that runs it: a
host serving the UI from several processes routes a session to one (sticky sessions), or the
page says the mass text is not found here and its texts are in the history. A refusal the
service raises is kept in the run and shown; an unexpected error is logged with its traceback
and the page says the mass text stopped and how to send the rest. Phone numbers and bodies are
never logged.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict, defaultdict, deque
from collections.abc import Sequence
from enum import StrEnum

import attrs
from starlette.applications import Starlette

from sms_core.domain import (
    MassSendResult,
    Recipient,
    RecipientOutcome,
    RecipientStatus,
    TemplateRecipient,
)
from sms_core.exceptions import NotFoundError, SmsError, WebRequestError
from sms_core.services import AccountAdmin
from sms_core.web.views import outcome_of

__all__ = [
    "KEEP",
    "MAX_RUNNING",
    "THREAD_NAME",
    "MassRun",
    "MassRuns",
    "RunState",
    "RunView",
    "runs_of",
]

_logger = logging.getLogger(__name__)

#: The most mass texts one web app sends at once; each uses the carrier's concurrency.
MAX_RUNNING = 4
#: How many finished mass texts are kept for their pages, the oldest forgotten first.
KEEP = 200
#: The name of the threads mass texts run in (``sms-mass-text-<run id>``).
THREAD_NAME = "sms-mass-text"

#: What the page says of a mass text that stopped on an unexpected error.
STOPPED = (
    "The mass text stopped before every recipient's outcome was known. The texts it stored "
    "are settled by recovery and never sent twice; send the form again to reach the rest."
)


class RunState(StrEnum):
    """Where a mass text the web UI runs stands."""

    #: Being sent; outcomes come in as each text settles.
    RUNNING = "running"
    #: Every recipient's outcome is known.
    DONE = "done"
    #: The service refused the whole mass text (``error`` says why); nothing was sent.
    REFUSED = "refused"
    #: An unexpected error stopped it; what it stored is recovered, the form reaches the rest.
    STOPPED = "stopped"


@attrs.frozen(kw_only=True)
class RunView:
    """A mass text as it stands: what the page draws.

    Attributes:
        id: The run's id (in the progress fragment's path; no number, no key).
        state: Where it stands.
        total: How many recipients it has.
        to: The recipients, in the order given.
        outcomes: The outcomes known so far: in the order they settled while it runs, in the
            recipients' order once done.
        recipients: The recipients as typed, for the form that sends the rest.
        body: The text, likewise.
        idempotency_key: The key it was sent with, likewise.
        error: Why it was refused or stopped; ``None`` otherwise.
        left_behind: What a refusal or stop left behind, in words; ``None`` otherwise.
        template: The id of the template each recipient's text was merged from; ``None`` for
            one body to all.
    """

    id: str
    state: RunState
    total: int
    to: tuple[Recipient, ...]
    outcomes: tuple[RecipientOutcome, ...]
    recipients: str
    body: str
    idempotency_key: str | None
    error: str | None = None
    left_behind: str | None = None
    template: str | None = None

    @property
    def done(self) -> int:
        """How many recipients' outcomes are known."""
        return len(self.outcomes)

    @property
    def finished(self) -> bool:
        """Whether nothing more will change (the page stops asking)."""
        return self.state is not RunState.RUNNING

    @property
    def rows(self) -> list[tuple[Recipient, RecipientOutcome | None]]:
        """Each recipient in the order given, with its outcome, or ``None`` while waiting.

        An outcome names its recipient; a recipient given twice gets its outcomes in turn.
        """
        known: defaultdict[Recipient, deque[RecipientOutcome]] = defaultdict(deque)
        for outcome in self.outcomes:
            known[outcome.recipient].append(outcome)
        return [
            (recipient, known[recipient].popleft() if known[recipient] else None)
            for recipient in self.to
        ]

    def count(self, status: RecipientStatus) -> int:
        """How many known outcomes have ``status``."""
        return sum(1 for outcome in self.outcomes if outcome.status is status)


@attrs.define
class MassRun:
    """One mass text being sent: filled by the service's progress callback, read by the page."""

    id: str
    account_id: str
    user_id: str
    to: tuple[Recipient, ...]
    recipients: str
    body: str
    idempotency_key: str | None
    template: str | None = None
    merged: tuple[TemplateRecipient, ...] = ()
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False)
    _settled: list[RecipientOutcome] = attrs.field(factory=list, init=False)
    _state: RunState = attrs.field(default=RunState.RUNNING, init=False)
    _error: str | None = attrs.field(default=None, init=False)
    _left_behind: str | None = attrs.field(default=None, init=False)

    @property
    def running(self) -> bool:
        """Whether it is still being sent."""
        with self._lock:
            return self._state is RunState.RUNNING

    def report(self, outcome: RecipientOutcome) -> None:
        """The service's progress callback: one more recipient settled."""
        with self._lock:
            self._settled.append(outcome)

    def finish(self, result: MassSendResult) -> None:
        """Every outcome known: keep them in the recipients' order."""
        with self._lock:
            self._settled = list(result.outcomes)
            self._state = RunState.DONE

    def refuse(self, err: SmsError) -> None:
        """The service refused the whole mass text: keep its message and what it left."""
        with self._lock:
            self._state = RunState.REFUSED
            self._error = str(err)
            self._left_behind = outcome_of(err)

    def stop(self) -> None:
        """An unexpected error stopped it (logged by the caller)."""
        with self._lock:
            self._state = RunState.STOPPED
            self._error = STOPPED

    def view(self) -> RunView:
        """A snapshot, safe to render while the run goes on."""
        with self._lock:
            return RunView(
                id=self.id,
                state=self._state,
                total=len(self.to),
                to=self.to,
                outcomes=tuple(self._settled),
                recipients=self.recipients,
                body=self.body,
                idempotency_key=self.idempotency_key,
                error=self._error,
                left_behind=self._left_behind,
                template=self.template,
            )


@attrs.define
class MassRuns:
    """The web app's mass texts: started in the background, bounded, read by id.

    Attributes:
        max_running: The most run at once (:data:`MAX_RUNNING`).
        keep: How many finished runs are kept (:data:`KEEP`).
    """

    max_running: int = MAX_RUNNING
    keep: int = KEEP
    _runs: OrderedDict[str, MassRun] = attrs.field(factory=OrderedDict, init=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False)

    def start(
        self,
        account: AccountAdmin,
        actor_id: str,
        to: Sequence[Recipient],
        body: str,
        *,
        recipients: str,
        idempotency_key: str | None,
        template: str | None = None,
        merged: Sequence[TemplateRecipient] = (),
    ) -> str:
        """Send the mass text in the background; return its run's id.

        ``to`` are the recipients, ``recipients`` the same as the user typed them (for the
        form that sends the rest). With ``template``, each recipient's text is merged from
        that template by ``templates.send`` (``merged``: the recipients with their values,
        in the order of ``to``) and ``body`` is the template's text. The caller has had it
        checked (``messages.check_mass``, or ``templates.check_send``).
        A mass text with the same account, user and key still running is not started again:
        its id is returned.

        Raises:
            WebRequestError: When :attr:`max_running` mass texts are running; nothing was sent.
        """
        account_id = account.account.id
        with self._lock:
            for run in self._runs.values():
                if (
                    idempotency_key is not None
                    and (run.account_id, run.user_id, run.idempotency_key)
                    == (account_id, actor_id, idempotency_key)
                    and run.running
                ):
                    return run.id
            running = sum(1 for run in self._runs.values() if run.running)
            if running >= self.max_running:
                raise WebRequestError(
                    f"{running} mass texts are being sent from this server already, the most "
                    "it sends at once; nothing was sent: send it again once one has finished"
                )
            run = MassRun(
                id=uuid.uuid4().hex,
                account_id=account_id,
                user_id=actor_id,
                to=tuple(to),
                recipients=recipients,
                body=body,
                idempotency_key=idempotency_key,
                template=template,
                merged=tuple(merged),
            )
            self._runs[run.id] = run
            self._forget_finished()
        try:
            threading.Thread(
                target=_send, args=(run, account), name=f"{THREAD_NAME}-{run.id}"
            ).start()
        except RuntimeError:  # no thread to be had: the run must not hold its place
            _logger.exception("mass text %s of account %s could not start", run.id, account_id)
            run.stop()
            raise WebRequestError(
                "the server could not start the mass text; nothing was sent: send it again"
            ) from None
        return run.id

    def get(self, account_id: str, user_id: str, run_id: str) -> RunView:
        """The run ``run_id`` of this user of this account, as it stands.

        Raises:
            NotFoundError: When this process has no such run for the user (another user's or
                another account's is none, and a forgotten one too).
        """
        with self._lock:
            run = self._runs.get(run_id)
        if run is None or (run.account_id, run.user_id) != (account_id, user_id):
            raise NotFoundError(
                "this mass text is not known here (it may be another user's, or finished long "
                "ago); its texts are in each candidate's history"
            )
        return run.view()

    def _forget_finished(self) -> None:
        """Drop the oldest finished runs past :attr:`keep` (the lock is held)."""
        finished = [run.id for run in self._runs.values() if not run.running]
        for run_id in finished[: max(0, len(finished) - self.keep)]:
            del self._runs[run_id]


def _send(run: MassRun, account: AccountAdmin) -> None:
    """Run the mass text to its end, recording every outcome and any error."""
    try:
        if run.template is not None:  # each text merged by the service, as the CLI sends it
            result = account.templates.send(
                run.user_id,
                run.template,
                run.merged,
                idempotency_key=run.idempotency_key,
                progress=run.report,
            )
        else:
            result = account.messages.send_mass(
                run.user_id,
                run.to,
                run.body,
                idempotency_key=run.idempotency_key,
                progress=run.report,
            )
    except SmsError as err:
        _logger.warning(
            "mass text %s of account %s refused (%s)", run.id, run.account_id, type(err).__name__
        )
        run.refuse(err)
    except Exception:
        _logger.exception("mass text %s of account %s stopped unexpectedly", run.id, run.account_id)
        run.stop()
    else:
        run.finish(result)


def runs_of(app: Starlette) -> MassRuns:
    """The web app's mass texts, made on first use (in the event loop's thread, so once)."""
    runs: MassRuns | None = getattr(app.state, "mass_text_runs", None)
    if runs is None:
        runs = MassRuns()
        app.state.mass_text_runs = runs
    return runs
