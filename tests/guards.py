"""A guard against hangs for tests (not a timing assertion)."""


class Hung(Exception):
    """Raised by the hang guard: the code under test ran far longer than it ever should."""


def hang_guard_for(seconds: float = 30.0):
    """with hang_guard_for(seconds): ... raises Hung if the block runs longer than SECONDS.

    A guard against hangs (quadratic regexes, alias bombs), not a timing assertion: the limit is
    far above the normal run time. POSIX main thread only (SIGALRM); elsewhere it just runs."""
    import contextlib
    import signal
    import threading

    @contextlib.contextmanager
    def guard():
        usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        if not usable:
            yield
            return

        def on_alarm(signum, frame):
            raise Hung(f"still running after {seconds} s: a hang, not a slow machine")

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    return guard()
