"""Failed logins, counted per key (address and username), to slow password guessing.

A small limiter of our own rather than Flask-Limiter: only *failures* count (a
correct login is never delayed by one's own typos after it), and the record lives
in the process like Flask-Limiter's default memory storage would, without its
three extra dependencies. Several server processes each keep their own count, so
the limit is per process."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable

FAILURES_ALLOWED = 5  # within WINDOW_SECONDS, per address and username
WINDOW_SECONDS = 60.0
KEYS_KEPT = 10_000  # a spray of made-up usernames cannot grow the record for ever


class LoginThrottle:
    """Failures per key within a sliding window; a key with too many is blocked."""

    def __init__(
        self,
        *,
        allowed: int = FAILURES_ALLOWED,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.allowed, self.window, self.clock = allowed, window, clock
        self._failures: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: Hashable, now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            self._failures.pop(key, None)
        return times

    def blocked(self, key: Hashable) -> bool:
        """Whether `key` failed `allowed` times within the window."""
        with self._lock:
            return len(self._recent(key, self.clock())) >= self.allowed

    def fail(self, key: Hashable) -> None:
        """Count one failed login for `key`."""
        with self._lock:
            now = self.clock()
            times = self._recent(key, now)
            times.append(now)
            self._failures[key] = times
            if len(self._failures) > KEYS_KEPT:
                expired = now - self.window
                for stale in [k for k, t in self._failures.items() if t[-1] <= expired]:
                    del self._failures[stale]
                while len(self._failures) > KEYS_KEPT:
                    del self._failures[next(iter(self._failures))]

    def clear(self, key: Hashable) -> None:
        """Forget `key`'s failures (after a successful login)."""
        with self._lock:
            self._failures.pop(key, None)
