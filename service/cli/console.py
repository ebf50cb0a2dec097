"""The CLI's stderr console: messages and progress for people; results go to stdout."""

from rich.console import Console

# soft_wrap keeps "file:line: reason" messages on one line, so they stay greppable.
err = Console(stderr=True, soft_wrap=True)
