"""The project's own errors. Each carries a one-line message a user can act on."""


class TaggerError(Exception):
    """Base of every error a user may see; str() is the one-line message."""

    exit_code = 1

    def __init__(self, message: str, fix: str | None = None):
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        if self.fix:
            return f"{self.message} (fix: {self.fix})"
        return self.message


class ConfigError(TaggerError):
    """Bad usage or configuration: an unreadable vocabulary, bad rules, bad arguments."""

    exit_code = 2


class InputError(TaggerError):
    """One input item (a README, a batch line) could not be used."""

    exit_code = 1
