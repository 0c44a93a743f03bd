"""Templates: the account's saved texts with merge fields, checked when saved, sent to many.

A template has a name unique in the account, a body with merge fields (the table of fields and
their maximum lengths is :data:`sms_core.templating.MERGE_FIELDS`), and may be marked as the
campaign's sample wording. When a template is saved its body is checked once, so no recruiter
meets the problem while sending: a malformed or unknown field is refused naming it; a body that,
with every field at its maximum length, would be longer than the host's limit is refused naming
the limit; a template marked ``sample_compliant`` must name the brand (the brand registered for
the campaign, or the account's name before one is) and tell the candidate how to opt out, by the
same rules the registration form's samples are linted with.

Adding, changing and removing a template need the host's registration permission
(``Action.MANAGE_REGISTRATION``: templates are the account's wording, including the campaign's
sample); reading and sending one need the texting permission (``Action.SEND_MESSAGE``). Each
change is in the audit trail with the template before and after.

:meth:`Templates.send` renders the template per recipient and sends the texts as one mass text
through the send pipeline: each rendered text's length and segments are checked before anything
is sent, and a text a merge made too long refuses the whole request naming the recipient and
its length (:meth:`SendPipeline.send_many`). ``{agency.name}`` defaults to the account's name
and ``{recruiter.first_name}`` / ``{recruiter.last_name}`` to the sender's; values given for
every recipient override those, and each recipient's own values override both.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import cast

import attrs

from sms_core import inputs
from sms_core.compliance import sample_wording_problems
from sms_core.domain import (
    Action,
    AuditAction,
    BrandProfile,
    MassSendResult,
    Page,
    RegistrationStep,
    Template,
    TemplateRecipient,
    User,
)
from sms_core.exceptions import (
    AlreadyExistsError,
    InvalidFieldError,
    MessageBodyError,
    PermissionDeniedError,
    StoreConflict,
    TemplateError,
    TemplateNotFoundError,
)
from sms_core.services.context import AccountContext
from sms_core.services.mass_send import MassTexting, ProgressCallback, check_count
from sms_core.services.paging import Listing, page_size
from sms_core.services.send_checks import check_text, checked_key
from sms_core.services.send_plan import check_bodies
from sms_core.services.sending import SendingLine, SendPipeline, TextRequest
from sms_core.services.template_merge import merged_requests
from sms_core.store import registrations as registration_store
from sms_core.store import templates as template_store
from sms_core.templating import longest_rendering

__all__ = ["Templates"]


@attrs.define
class Templates:
    """The account's templates: added, changed, removed, listed and sent."""

    _context: AccountContext
    _pipeline: SendPipeline

    def create(
        self, actor_id: str, *, name: str, body: str, sample_compliant: bool = False
    ) -> Template:
        """Add a template, checked (see the module's description).

        Raises:
            PermissionDeniedError: When the host does not let the actor manage registration.
            InvalidFieldError: When an argument has the wrong type or size.
            TemplateError: Naming the malformed or unknown field, the limit a body can exceed,
                or what keeps a sample-wording template from being one.
            MessageBodyError: When the body is blank or has an unprintable character.
            AlreadyExistsError: When the account has a template of that name (also one added
                by another process at the same moment).
        """
        actor = self._manager(actor_id)
        name, body = self._checked(name, body, sample_compliant)
        context, now = self._context, self._context.now()
        template = Template(
            id=context.make_id(),
            name=name,
            body=body,
            sample_compliant=sample_compliant,
            created_at=now,
            created_by=actor.id,
            updated_at=now,
            updated_by=actor.id,
        )
        with _name_taken(name), context.database.transaction() as connection:
            template_store.insert_template(connection, context.account.id, template)
            context.audit(
                connection,
                actor=actor,
                action=AuditAction.CREATE_TEMPLATE,
                target=template.id,
                before=None,
                after=_snapshot(template),
            )
        return template

    def update(
        self,
        actor_id: str,
        template: str,
        *,
        name: str | None = None,
        body: str | None = None,
        sample_compliant: bool | None = None,
    ) -> Template:
        """Change a template's name, body or sample flag (``None`` keeps it), checked anew.

        Args:
            template: Its id or name.

        Raises:
            TemplateNotFoundError: When the account has no such template.
            PermissionDeniedError, InvalidFieldError, TemplateError, MessageBodyError,
            AlreadyExistsError: As :meth:`create` says; nothing changed.
        """
        actor = self._manager(actor_id)
        before = self._find(template)
        flag = before.sample_compliant if sample_compliant is None else sample_compliant
        new_name, new_body = self._checked(
            before.name if name is None else name, before.body if body is None else body, flag
        )
        after = attrs.evolve(
            before,
            name=new_name,
            body=new_body,
            sample_compliant=flag,
            updated_at=self._context.now(),
            updated_by=actor.id,
        )
        context = self._context
        with _name_taken(new_name), context.database.transaction() as connection:
            if not template_store.update_template(connection, context.account.id, after):
                raise _not_found(template)
            context.audit(
                connection,
                actor=actor,
                action=AuditAction.UPDATE_TEMPLATE,
                target=after.id,
                before=_snapshot(before),
                after=_snapshot(after),
            )
        return after

    def delete(self, actor_id: str, template: str) -> Template:
        """Remove a template; texts sent from it keep their bodies.

        Args:
            template: Its id or name.

        Returns:
            The template as it was.

        Raises:
            PermissionDeniedError: When the host does not let the actor manage registration.
            TemplateNotFoundError: When the account has no such template.
        """
        actor = self._manager(actor_id)
        found = self._find(template)
        context = self._context
        with context.database.transaction() as connection:
            if not template_store.delete_template(connection, context.account.id, found.id):
                raise _not_found(template)
            context.audit(
                connection,
                actor=actor,
                action=AuditAction.DELETE_TEMPLATE,
                target=found.id,
                before=_snapshot(found),
                after=None,
            )
        return found

    def may_manage(self, user_id: str) -> bool:
        """Whether the host lets the user add, change and remove templates (asked beforehand)."""
        try:
            self._manager(user_id)
        except PermissionDeniedError:
            return False
        return True

    def body_limit(self) -> int:
        """The most characters a template's text may reach once merged: the host's limit."""
        return self._pipeline.body_limit()

    def get(self, viewer_id: str, template: str) -> Template:
        """One template, by its id or name.

        Raises:
            PermissionDeniedError: When the host does not let the viewer text.
            TemplateNotFoundError: When the account has no such template.
        """
        inputs.identifier("viewer_id", viewer_id)
        self._context.require(viewer_id, Action.SEND_MESSAGE)
        return self._find(template)

    def list_page(
        self, viewer_id: str, *, limit: int | None = None, cursor: str | None = None
    ) -> Page[Template]:
        """A page of the account's templates by name; pass ``next_cursor`` back for the next.

        Args:
            viewer_id: The user reading them, whom the host must allow to text.
            limit: The most templates on the page: 1 to ``PAGE_SIZE_MAX``, by default
                ``PAGE_SIZE_DEFAULT`` (:mod:`sms_core.inputs`).
            cursor: The ``next_cursor`` of the previous page; ``None`` for the first.

        Raises:
            PermissionDeniedError: When the host does not let the viewer text.
            InvalidFieldError: When ``limit`` is out of range.
            InvalidCursorError: When ``cursor`` is not one a page of this list returned.
        """
        inputs.identifier("viewer_id", viewer_id)
        size = page_size(limit)
        listing = Listing(name="templates", shape=(str,))
        after = listing.start(cursor)
        self._context.require(viewer_id, Action.SEND_MESSAGE)
        with self._context.database.transaction() as connection:
            found = template_store.template_page(
                connection,
                self._context.account.id,
                after=cast("tuple[str] | None", after),  # Listing checked its shape
                limit=size + 1,
            )
        return listing.page(found, size)

    def send(
        self,
        actor_id: str,
        template: str,
        recipients: Sequence[TemplateRecipient],
        *,
        values: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> MassSendResult:
        """Render the template for each recipient and send the texts as one mass text.

        Args:
            template: Its id or name.
            recipients: The candidates, each with their own merge values, at most the host's
                mass-text cap.
            values: Merge values for every recipient (a recipient's own win).
            idempotency_key: As for ``messages.send_mass``: each recipient's text gets
                ``"{key}:{number}"``, so a retry reaches only those not reached before.
            progress: Called with each recipient's outcome as soon as it is known.

        Returns:
            Every recipient's outcome in order, as ``messages.send_mass`` gives them;
            ``segments`` is the rendered text that takes the most.

        Raises:
            TemplateNotFoundError: When the account has no such template.
            TemplateError: When a value is missing for a field the template uses (naming the
                recipient), or given for a field that does not exist; nothing was sent.
            MessageBodyError: When a rendered text is blank or too long, naming the recipient
                and its length; nothing was sent to anyone.
            TooManyRecipientsError, UserWithoutLineError, UnregisteredLineError,
            PermissionDeniedError, IdempotencyKeyError, InvalidFieldError: As for
                ``messages.send_mass``; nothing was sent.
        """
        key = checked_key(idempotency_key)
        if progress is not None and not callable(progress):
            raise InvalidFieldError.refused(
                field="progress", value=inputs.shown(progress), limit="a callable or None"
            )
        sending, requests = self._merged(actor_id, template, recipients, values)
        return MassTexting(self._pipeline).send_each(
            sending, requests, idempotency_key=key, progress=progress
        )

    def check_send(
        self,
        actor_id: str,
        template: str,
        recipients: Sequence[TemplateRecipient],
        *,
        values: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> None:
        """Refuse now, storing and sending nothing, what :meth:`send` would refuse whole.

        The same checks, the merged texts' lengths included (the web UI asks before it sends
        in the background); a key used before for another text is found only by sending.
        """
        checked_key(idempotency_key)
        sending, requests = self._merged(actor_id, template, recipients, values)
        check_bodies(sending, requests)

    # -- helpers -------------------------------------------------------------------------------

    def _merged(
        self,
        actor_id: str,
        template: str,
        recipients: Sequence[TemplateRecipient],
        values: Mapping[str, str] | None,
    ) -> tuple[SendingLine, list[TextRequest]]:
        """The sender's line checked, and each recipient's merged text (not yet checked)."""
        inputs.identifier("actor_id", actor_id)
        shape = "a TemplateRecipient(candidate_id=..., number=..., values={...})"
        inputs.sequence_of("recipients", recipients, TemplateRecipient, shape)
        sending = self._pipeline.sending_line(actor_id, recipients=len(recipients))
        check_count(len(recipients), sending.policy.mass_text_cap)
        body = self._find(template).body
        requests = merged_requests(
            body, recipients, values, agency=self._context.account.name, sender=sending.user
        )
        return sending, requests

    def _manager(self, actor_id: str) -> User:
        inputs.identifier("actor_id", actor_id)
        return self._context.require(actor_id, Action.MANAGE_REGISTRATION)

    def _find(self, template: str) -> Template:
        inputs.text("template", template, max_length=inputs.NAME_LENGTH)
        account_id = self._context.account.id
        with self._context.database.transaction() as connection:
            found = template_store.get_template(connection, account_id, template)
            if found is None:
                found = template_store.template_by_name(connection, account_id, template.strip())
        if found is None:
            raise _not_found(template)
        return found

    def _checked(self, name: str, body: str, sample_compliant: bool) -> tuple[str, str]:
        """The name and body to store, once both pass the template's checks."""
        name = inputs.visible_text("name", name, max_length=inputs.NAME_LENGTH).strip()
        inputs.body("body", body)
        inputs.flag("sample_compliant", sample_compliant)
        limit = self._pipeline.body_limit()
        longest = longest_rendering(body)
        if len(longest) > limit:
            raise TemplateError.can_exceed(len(longest), limit)
        try:
            check_text(longest, limit)
        except MessageBodyError as err:
            raise MessageBodyError(
                f"the template's {err}", length=err.length, limit=err.limit
            ) from None
        if sample_compliant:
            problems = sample_wording_problems(body, self._brand_names())
            if problems:
                raise TemplateError.not_sample_compliant(tuple(problems))
        return name, body

    def _brand_names(self) -> list[str]:
        """The brand's names as registered for the campaign; the account's name before that."""
        with self._context.database.transaction() as connection:
            steps = registration_store.load_steps(connection, self._context.account.id)
        brand = steps.get(RegistrationStep.BRAND)
        profile = brand.record.profile if brand is not None else None
        if isinstance(profile, BrandProfile):
            return [profile.display_name, profile.legal_name]
        return [self._context.account.name]


@contextmanager
def _name_taken(name: str) -> Iterator[None]:
    """Turns the name index's conflict into ``AlreadyExistsError`` naming the name."""
    try:
        yield
    except StoreConflict as err:
        if err.constraint != template_store.NAME_TAKEN:
            raise
        raise AlreadyExistsError(
            f"the account has a template named {name!r}; choose another name, or edit that template"
        ) from err


def _not_found(template: str) -> TemplateNotFoundError:
    return TemplateNotFoundError(
        f"the account has no template {template!r} (by id or name); list the templates to find it"
    )


def _snapshot(template: Template) -> dict[str, object]:
    return {
        "name": template.name,
        "body": template.body,
        "sample_compliant": template.sample_compliant,
    }
