"""A command's errors printed in one language: the message alone, not "CommandError: …".

Django prints a CommandError raised on the command line as its class name and the
message ("CommandError: Нищо не е импортирано: …"): an English word in front of a
message of the active language. The workbook's commands print the message alone
(on stderr, styled as an error) and exit with its return code; called from code
(call_command) they raise the CommandError as before, and --traceback still shows it.
"""

from __future__ import annotations

import sys

from django.core.management.base import CommandError


class MessageOnlyErrors:
    """Mixed into a BaseCommand before it: ``class Command(MessageOnlyErrors, BaseCommand)``."""

    _from_command_line = False

    def run_from_argv(self, argv):
        self._from_command_line = True
        super().run_from_argv(argv)

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not self._from_command_line or options.get("traceback"):
                raise
            self.stderr.write(str(exc))
            sys.exit(exc.returncode)
