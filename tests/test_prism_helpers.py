"""The carrier-neutral Prism helpers of ``sms_core.testing.prism`` that need no Prism.

The two shapes of a refusal are Prism 5's: the ``sl-violations`` header when the description
defines an error answer for the operation, and Prism's own ``application/problem+json``
document (``type`` under ``https://stoplight.io/prism/errors#``) when it does not
(https://docs.stoplight.io/docs/prism/ "Request Validation" and "Errors").
"""

import json
from pathlib import Path

import httpx
import pytest

from sms_core.testing.prism import (
    PrismError,
    PrismServer,
    install_prism,
    prism_violations,
    raise_for_prism_rejection,
)

_REQUEST = httpx.Request("POST", "http://127.0.0.1:4010/v2/messages")


def _answer(status: int, **kwargs: object) -> httpx.Response:
    return httpx.Response(status, request=_REQUEST, **kwargs)  # type: ignore[arg-type]  # test


class TestPrismViolations:
    """Prism's reasons are read from either place it puts them, and only from Prism."""

    def test_header(self) -> None:
        """The sl-violations header, location joined with dots."""
        violation = {"location": ["request", "body"], "message": "must have 'to'"}
        answer = _answer(422, headers={"sl-violations": json.dumps([violation])})

        assert ["request.body: must have 'to'"] == prism_violations(answer)

    def test_problem_document(self) -> None:
        """Prism's own problem document, when the description defines no error answer."""
        problem = {
            "type": "https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR",
            "status": 404,
            "detail": "The route /v2/nowhere hasn't been found in the specification file",
        }
        answer = _answer(
            404, content=json.dumps(problem), headers={"content-type": "application/problem+json"}
        )

        assert [problem["detail"]] == prism_violations(answer)

    @pytest.mark.parametrize("status", [200, 404, 500])
    def test_not_prism(self, status: int) -> None:
        """A carrier's own error, or a success, is no rejection."""
        answer = _answer(status, json={"errors": [{"code": "10007"}]})

        assert [] == prism_violations(answer)
        assert answer is raise_for_prism_rejection(answer)

    def test_rejection_fails_with_the_reasons(self) -> None:
        """The assertion names the request and every reason."""
        violations = [{"location": ["request", "body", "to"], "message": "must be string"}]
        answer = _answer(422, headers={"sl-violations": json.dumps(violations)})

        with pytest.raises(AssertionError, match=r"POST /v2/messages \(422\)") as failure:
            raise_for_prism_rejection(answer)
        assert "request.body.to: must be string" in str(failure.value)


class TestWithoutPrism:
    """Missing tools are a PrismError that says what to install; nothing is left running."""

    def test_install_without_npm(self, tmp_path: Path) -> None:
        """No npm: the error names Node.js and npm."""
        with pytest.raises(PrismError, match="npm"):
            install_prism(tmp_path / "prism", npm=str(tmp_path / "no-npm"))

    def test_server_that_exits_at_once(self, tmp_path: Path) -> None:
        """A 'prism' that exits before listening: PrismError with its output, no process."""
        prism = tmp_path / "prism"
        prism.write_text("#!/bin/sh\necho 'cannot read the description'\nexit 3\n")
        prism.chmod(0o755)
        server = PrismServer(prism, tmp_path / "spec.json", startup_timeout=10)

        with pytest.raises(PrismError, match=r"exit code 3\):\ncannot read the description"):
            server.start()
        assert server.pid is None
