"""Compliance checks: pure rules that catch what carriers and regulators would refuse."""

from sms_core.compliance.registration_lint import (
    https_url_problem,
    lint_registration,
    sample_wording_problems,
)

__all__ = ["https_url_problem", "lint_registration", "sample_wording_problems"]
