"""gunicorn settings for the web container (Dockerfile, docker-compose.yml):
``gunicorn -c python:config.gunicorn config.wsgi:application``.

The access log carries request lines and referers, and two kinds of URL hold a secret (a personal
calendar feed token, a password-reset key): the access logger masks them as Django's log filter
does (``core.logging.SECRET_PATHS``)."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger

from core.logging import SECRET_PATHS

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # the container port, published by compose
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
accesslog = "-"
logger_class = "config.gunicorn.RedactingLogger"


def redact(value: Any) -> Any:
    return SECRET_PATHS.sub(r"\1[redacted]", value) if isinstance(value, str) else value


class RedactingLogger(Logger):  # type: ignore[misc]  # gunicorn ships no types
    """gunicorn's logger with every access-log field (request line, path, referer, headers,
    environment) passed through the secret-path redaction."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> dict[str, Any]:
        return {key: redact(value) for key, value in super().atoms(resp, req, environ, request_time).items()}
