"""The errors dedup raises on purpose. Messages say how to fix the problem.

Exit codes of the CLI (see README "Exit codes"):
  0 success, 1 internal error (a bug: InternalError, or any unexpected exception), 2 bad usage or input
  (ConfigError, InputError, OutputError, WorkerLost), 3 a release that does not verify (ReleaseError from verify),
  130 interrupted (Ctrl-C, SIGTERM).
"""


class DedupError(Exception):
    """Base of every error raised on purpose; the CLI turns it into one line and exit code 2."""

    exit_code = 2


class ConfigError(DedupError):
    """A configuration value or option is invalid."""


class InputError(DedupError):
    """An input path is missing, unreadable or of an unknown format."""


class OutputError(DedupError):
    """The output folder cannot be written (not empty without --overwrite, not writable...)."""


class WorkerLost(DedupError):
    """Worker processes kept dying (killed by the system, most often for memory): the build stopped."""


class ReleaseError(DedupError):
    """A release folder fails verification."""


class InternalError(DedupError):
    """dedup found its own result inconsistent (the accounting of records): a bug to report."""

    exit_code = 1
