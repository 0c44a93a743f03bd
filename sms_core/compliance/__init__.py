"""Compliance checks: pure rules that catch what carriers and regulators would refuse."""

from sms_core.compliance.registration_lint import https_url_problem, lint_registration

__all__ = ["https_url_problem", "lint_registration"]
