"""The ``smsadmin`` command line: a thin layer over the services, with Rich tables.

Run ``smsadmin --help`` for the command tree and ``smsadmin demo`` for the whole story on the
sandbox carrier.
"""

from sms_core.cli.app import app, main

__all__ = ["app", "main"]
