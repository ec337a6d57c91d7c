"""Graph failures as domain errors the bot can explain (catalog keys in `graph.po`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
from kiota_abstractions.api_error import APIError
from msgraph.generated.models.o_data_errors.o_data_error import ODataError

from core.errors import DomainError, Invalid, NotFound, Unavailable
from core.retry import Backoff, Retry, retry_after_header
from core.workspace import FileTooLarge, NameTaken, Throttled, WorkspaceForbidden

RETRY_STATUSES = frozenset({429, 503, 504})


def error_code(exc: APIError) -> str:
    """Graph's `error.code` ("nameAlreadyExists", ...) or "" when the body had none."""
    if isinstance(exc, ODataError) and exc.error is not None:
        return exc.error.code or ""
    return ""


def error_message(exc: APIError) -> str:
    if isinstance(exc, ODataError) and exc.error is not None:
        return exc.error.message or ""
    return ""


def to_domain(exc: APIError, *, not_found: DomainError | None = None) -> DomainError:
    """The domain error for a Graph error response; `not_found` says what a 404 means here."""
    status = exc.response_status_code or 0
    if status in RETRY_STATUSES:
        return Throttled()
    if status in (401, 403):
        return WorkspaceForbidden()
    if status == 404:
        return not_found or NotFound("graph.error.not_found")
    if status == 409:
        return NameTaken()
    if status == 413:
        return FileTooLarge()
    if status == 400:
        return Invalid("graph.error.bad_request")
    return Unavailable("graph.error.unavailable")


@contextlib.contextmanager
def graph_errors(*, not_found: DomainError | None = None) -> Iterator[None]:
    """Turn SDK and transport errors raised inside the block into domain errors (cause kept)."""
    try:
        yield
    except APIError as exc:
        raise to_domain(exc, not_found=not_found) from exc
    except httpx.HTTPError as exc:
        raise Unavailable("graph.error.unavailable") from exc


def request_url(builder: Any, base_url: str) -> str:
    """The absolute URL an SDK request builder's GET would use (kiota fills `baseurl` only when sending)."""
    info = builder.to_get_request_information()
    info.path_parameters["baseurl"] = base_url.rstrip("/")
    return str(info.url)


GRAPH_BACKOFF = Backoff(retries=5, base=0.5, cap=30.0, retry_after_cap=120.0)


def backoff(config_retries: int) -> Backoff:
    """The shared Graph backoff with the configured number of retries."""
    return Backoff(config_retries, GRAPH_BACKOFF.base, GRAPH_BACKOFF.cap, GRAPH_BACKOFF.retry_after_cap)


def retry_after(headers: Mapping[str, str] | None, attempt: int) -> float:
    """Seconds to wait before retry `attempt + 1`: the server's Retry-After (seconds or HTTP-date), else
    the shared backoff (`core.retry`)."""
    return GRAPH_BACKOFF.delay(attempt + 1, retry_after_header(headers))


class Retryable(Exception):
    """A failed HTTP exchange worth another try (raised and caught inside a retry loop only)."""

    def __init__(self, status: int, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.headers = headers


def server_error_retry(exc: BaseException) -> Retry | None:
    """For JSON calls through kiota (which retries 429/503/504 itself): 500 and 502 (bursts of channel
    creation answer 502, microsoft-graph-docs#7315) and transport failures are tried again."""
    if isinstance(exc, APIError) and (exc.response_status_code or 0) in (500, 502):
        return Retry(retry_after_header(exc.response_headers))
    if isinstance(exc, httpx.TransportError):
        return Retry()
    return None


def throttle_retry(exc: BaseException) -> Retry | None:
    """For requests that may have been carried out when a 500 or 502 came back (a simple upload, whose
    repeat could store the file twice): only 429/503/504, honouring Retry-After, and transport failures."""
    if isinstance(exc, Retryable) and exc.status in RETRY_STATUSES:
        return Retry(retry_after_header(exc.headers))
    if isinstance(exc, APIError) and (exc.response_status_code or 0) in RETRY_STATUSES:
        return Retry(retry_after_header(exc.response_headers))
    if isinstance(exc, httpx.TransportError):
        return Retry()
    return None


def transient_retry(exc: BaseException) -> Retry | None:
    """For requests kiota does not retry (octet-stream bodies, upload URLs, downloads): 429 and every 5xx
    (the upload-session page's best practice), honouring Retry-After, and transport failures."""
    if isinstance(exc, Retryable):
        return Retry(retry_after_header(exc.headers))
    if isinstance(exc, APIError) and (
        (exc.response_status_code or 0) == 429 or (exc.response_status_code or 0) >= 500
    ):
        return Retry(retry_after_header(exc.response_headers))
    if isinstance(exc, httpx.TransportError):
        return Retry()
    return None
