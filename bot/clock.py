"""The one clock every wait goes through (retry back-off, rate-limit waits, the pause between
writes), so tests can pass a clock that records the waits instead of sleeping."""

import time


class Clock:
    """Wall-clock time and real sleeps."""

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


SYSTEM_CLOCK = Clock()
