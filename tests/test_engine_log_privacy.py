"""A failed statement's error names no parameter: no phone number or body reaches a log.

An unexpected store error is logged with its traceback (a web view's, a background mass
text's: ``sms_core.web.mass_runs``), and SQLAlchemy writes a statement's bound parameters into
its error's message unless the engine hides them; the SDK's parameters are candidates' phone
numbers, message bodies and idempotency keys.
"""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from sms_core.store.engine import create_engine

NUMBER = "+15125550142"
BODY = "Private words for the candidate"


def test_a_statement_error_hides_its_parameters(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A statement the database refuses (here: its table is gone) is logged without values.

    Without ``hide_parameters`` the message ends ``[parameters: ('+15125550142', ...)]``.
    (PostgreSQL's own ``DETAIL`` of a unique violation names the key; that is the server's
    wording, not a parameter, and no statement of the SDK is expected to meet one unhandled.)
    """
    engine = create_engine(database_url)
    insert = sa.text("INSERT INTO gone (number, body) VALUES (:number, :body)")
    try:
        with pytest.raises(sa.exc.DBAPIError) as raised, engine.begin() as connection:
            connection.execute(insert, {"number": NUMBER, "body": BODY})
    finally:
        engine.dispose()
    logger = logging.getLogger("sms_core.web.mass_runs")
    with caplog.at_level(logging.ERROR, logger=logger.name):
        try:
            raise raised.value
        except sa.exc.DBAPIError:
            logger.exception("mass text stopped unexpectedly")
    assert "INSERT INTO gone" in caplog.text  # the statement is still there to debug with
    assert NUMBER not in caplog.text
    assert BODY not in caplog.text
