"""A small client for the Prometheus HTTP API, as Prometheus, Thanos Query and Mimir serve it.

Credentials come from files only (a bearer token file, a `user:password` basic-auth file), so no
secret is ever on a command line; extra headers (a tenant id such as `X-Scope-OrgID`) are plain
values. Every failure is an APIError whose message is one line.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

RECENT_SECONDS = 300
"""Label names are looked up over the last five minutes, the same look-back as an instant
query, so a label that has gone away is not found in old data."""
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
"""Headers that carry credentials: they come from files, never from --header."""


class APIError(Exception):
    """The API could not be reached or refused a request; the message is one line."""


@dataclass(frozen=True)
class Connection:
    """Where the API is and how to authenticate to it."""

    url: str
    bearer_token_file: Path | None = None
    basic_auth_file: Path | None = None
    ca_file: Path | None = None
    headers: tuple[tuple[str, str], ...] = ()
    timeout: float = 30.0


@dataclass(frozen=True)
class Sample:
    """One series of an instant vector."""

    labels: Mapping[str, str]
    value: float


def parse_header(text: str) -> tuple[str, str]:
    """`Name: value` -> (name, value); credentials are refused (they belong in files)."""
    name, colon, value = text.partition(":")
    name, value = name.strip(), value.strip()
    if not colon or not name or not value:
        raise ValueError(f"{text!r} is not `Name: value`")
    if name.lower() in SECRET_HEADERS:
        raise ValueError(f"{name} carries a credential: use --bearer-token-file or "
                         "--basic-auth-file instead")
    return name, value


class PrometheusAPI:
    """The read endpoints kgen needs: instant queries, label names and metric metadata."""

    def __init__(self, connection: Connection) -> None:
        self.url = connection.url.rstrip("/")
        headers = dict(connection.headers)
        auth: httpx.BasicAuth | None = None
        if connection.bearer_token_file is not None:
            headers["Authorization"] = f"Bearer {_read(connection.bearer_token_file)}"
        if connection.basic_auth_file is not None:
            user, colon, password = _read(connection.basic_auth_file).partition(":")
            if not colon:
                raise APIError(f"basic auth file {connection.basic_auth_file} must hold one "
                               "line `user:password`")
            auth = httpx.BasicAuth(user, password)
        verify: ssl.SSLContext | bool = True
        if connection.ca_file is not None:
            try:
                verify = ssl.create_default_context(cafile=str(connection.ca_file))
            except (OSError, ssl.SSLError) as error:
                raise APIError(f"cannot load CA file {connection.ca_file}: {error}") from None
        self._client = httpx.Client(headers=headers, auth=auth, verify=verify,
                                    timeout=connection.timeout)
        self._timeout = connection.timeout

    def __enter__(self) -> PrometheusAPI:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def vector(self, query: str) -> list[Sample]:
        """The instant vector `query` returns now (a scalar comes back as one unlabelled sample)."""
        data = self._call("POST", "/api/v1/query", {"query": query})
        try:
            if data["resultType"] == "scalar":
                return [Sample({}, float(data["result"][1]))]
            return [Sample(item["metric"], float(item["value"][1])) for item in data["result"]]
        except (KeyError, IndexError, TypeError, ValueError):
            raise APIError(f"{self.url}/api/v1/query: not an instant query answer") from None

    def label_names(self, selector: str) -> frozenset[str]:
        """The label names the series matching `selector` carry now (`__name__` left out)."""
        recent = f"{time.time() - RECENT_SECONDS:.3f}"
        names = self._call("POST", "/api/v1/labels", {"match[]": selector, "start": recent})
        if not isinstance(names, list):
            raise APIError(f"{self.url}/api/v1/labels: not a list of label names")
        return frozenset(str(name) for name in names) - {"__name__"}

    def metadata(self) -> dict[str, frozenset[str]]:
        """Metric name -> the types its targets declare (`# TYPE` lines)."""
        data = self._call("GET", "/api/v1/metadata", {})
        try:
            return {name: frozenset(entry["type"] for entry in entries)
                    for name, entries in data.items()}
        except (AttributeError, KeyError, TypeError):
            raise APIError(f"{self.url}/api/v1/metadata: not a metadata answer") from None

    def _call(self, method: str, path: str, params: dict[str, str]) -> Any:
        url = self.url + path
        try:
            if method == "POST":
                response = self._client.post(url, data=params)
            else:
                response = self._client.get(url, params=params)
        except httpx.TimeoutException:
            raise APIError(f"{url}: no answer within {self._timeout:g}s") from None
        except httpx.HTTPError as error:
            raise APIError(f"cannot reach {url}: {_one_line(error)}") from None
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if isinstance(payload, dict) and payload.get("status") == "success":
            return payload.get("data")
        reason = payload.get("error") if isinstance(payload, dict) else None
        hint = " (check the credentials)" if response.status_code in (401, 403) else ""
        raise APIError(f"{url}: HTTP {response.status_code} {response.reason_phrase}"
                       f"{': ' + _one_line(reason) if reason else ''}{hint}")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise APIError(f"cannot read {path}: {error.strerror}") from None


def _one_line(what: object) -> str:
    return " ".join(str(what).split()) or type(what).__name__
