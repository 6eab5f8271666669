"""A Redis cache that degrades instead of failing: while Redis is down every read is a miss and
every write is dropped, so pages, the API, its throttles and allauth's rate limits go on serving
(they let requests through rather than answer 500). After an error the cache is skipped for a few
seconds, so a request does not wait for one timeout per cache call. ``/healthz`` says it is down.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("roundtable.cache")

SKIP_FOR = 5.0  # seconds without trying Redis after an error


class TolerantRedisCache(RedisCache):
    _down_until = 0.0

    def _call(self, name: str, default: Any, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < type(self)._down_until:
            return default
        try:
            return getattr(super(), name)(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any Redis or socket error is a miss, never a 500
            type(self)._down_until = time.monotonic() + SKIP_FOR
            logger.warning("cache unavailable, serving without it", extra={"error": exc.__class__.__name__})
            return default

    def health_check(self) -> None:
        """Raise if Redis does not answer (bypasses the tolerance, for /healthz)."""
        super().set("healthz", "1", 5)
        if super().get("healthz") != "1":
            raise RuntimeError("cache did not return what was stored")
        type(self)._down_until = 0.0

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", default, key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._call("set", None, key, value, timeout, version)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        # True on error: allauth's lock then proceeds (its limit is not enforced while Redis is down).
        return bool(self._call("add", True, key, value, timeout, version))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._call("touch", False, key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("delete", False, key, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return dict(self._call("get_many", {}, keys, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("has_key", False, key, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return int(self._call("incr", delta, key, delta, version))

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return list(self._call("set_many", [], data, timeout, version))

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._call("delete_many", None, keys, version)

    def clear(self) -> None:
        self._call("clear", None)
