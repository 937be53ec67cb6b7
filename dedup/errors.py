"""The errors dedup raises on purpose. Messages say how to fix the problem.

Exit codes of the CLI (see README "Exit codes"):
  0 success, 1 unexpected internal error, 2 bad usage (ConfigError, InputError, OutputError).
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


class ReleaseError(DedupError):
    """A release folder fails verification."""
