"""Checking the contact websites over HTTP: HEAD first, GET when HEAD is refused, one retry, redirects followed and
reported, a few requests per host at a time, and a host that keeps timing out or refusing is not asked again.

A record's website is a contributor's say-so, and in CI the request comes from the runner's network: only http and
https are followed, every connection (the first and each redirect's) goes to an address checked after DNS resolution
(loopback, private, link-local, multicast and reserved addresses are not contacted unless allow_private), and each
URL has an overall deadline, so a server sending a byte at a time cannot hold the check."""

from __future__ import annotations

import concurrent.futures
import http.client
import ipaddress
import socket
import ssl
import threading
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

USER_AGENT = "minglu-link-check/1 (SME directory; +https://github.com/)"
KINDS = {
    "ok": "正常", "redirect": "已跳转到新地址", "not-found": "页面不存在（404）", "gone": "页面已删除（410）",
    "client-error": "请求被拒绝", "server-error": "网站服务器出错", "timeout": "超时无响应", "refused": "连接被拒绝",
    "dns": "域名无法解析", "tls": "HTTPS 证书或加密连接出错", "error": "无法访问",
    "private": "地址是本机、内网或保留地址，未访问", "scheme": "不是 http(s) 地址，未访问",
}
SCHEMES = ("http", "https")
BAD = {kind for kind in KINDS if kind not in ("ok", "redirect")}
GIVE_UP = {"timeout", "refused", "dns"}  # a host answering so is not asked again after `give_up_after` such answers


@dataclass(frozen=True)
class Result:
    url: str
    kind: str  # a key of KINDS
    status: int | None = None
    target: str = ""  # where a redirect ended
    detail: str = ""

    def describe(self) -> str:
        """Return the finding in Chinese."""
        text = KINDS[self.kind] + (f"（HTTP {self.status}）" if self.status and self.kind in ("client-error", "server-error") else "")
        if self.kind == "redirect":
            text += f"：{self.target}"
        return text + (f"；{self.detail}" if self.detail else "")


class Refused(OSError):
    """A connection or redirect the check does not make; the kind is a key of KINDS."""

    def __init__(self, kind: str, detail: str):
        super().__init__(detail)
        self.kind, self.detail = kind, detail


def is_public(address: str) -> bool:
    """Return True for an address on the public internet (not loopback, private, link-local, multicast or reserved)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def classify_error(exc: BaseException) -> tuple[str, str]:
    """Return the kind and detail of a failed request: a timeout, a refusal, DNS, TLS or another error."""
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, Refused):
        return reason.kind, reason.detail
    if isinstance(reason, ssl.SSLError | ssl.CertificateError):
        return "tls", str(getattr(reason, "verify_message", "") or reason)
    if isinstance(reason, socket.gaierror):
        return "dns", ""
    if isinstance(reason, TimeoutError | socket.timeout):
        return "timeout", ""
    if isinstance(reason, ConnectionRefusedError):
        return "refused", ""
    return "error", str(reason)[:200]


def _status_kind(status: int) -> str:
    if status < 400:
        return "ok"
    return {404: "not-found", 410: "gone"}.get(status, "server-error" if status >= 500 else "client-error")


class _Guard:
    """One URL's connections: each to an address checked after resolution, all shut when the deadline passes."""

    def __init__(self, allow_private: bool, deadline: float):
        self.allow_private, self.sockets, self.expired = allow_private, [], False
        self.timer = threading.Timer(deadline, self.expire)
        self.timer.daemon = True
        self.timer.start()

    def connect(self, address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
        host, port = address
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        for *_, sockaddr in infos:
            if not self.allow_private and not is_public(sockaddr[0]):
                raise Refused("private", f"{host} 解析为 {sockaddr[0]}")
        error = None
        for family, kind, protocol, _, sockaddr in infos:  # the checked address, not a second lookup
            sock = socket.socket(family, kind, protocol)
            self.sockets.append(sock)
            try:
                if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                    sock.settimeout(timeout)
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                error = exc
                sock.close()
        raise error or OSError(f"{host} 无法连接")

    def expire(self) -> None:
        self.expired = True
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def opener(self):
        guard = self

        class Connection(http.client.HTTPConnection):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self._create_connection = guard.connect

        class SecureConnection(http.client.HTTPSConnection):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self._create_connection = guard.connect

        class Plain(urllib.request.HTTPHandler):
            def http_open(self, request):
                return self.do_open(Connection, request)

        class Secure(urllib.request.HTTPSHandler):
            def https_open(self, request):
                return self.do_open(SecureConnection, request, context=self._context)

        class Redirects(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, request, fp, code, message, headers, newurl):
                if urlsplit(newurl).scheme.lower() not in SCHEMES:
                    raise Refused("scheme", f"跳转到 {_shown(newurl)}")
                return super().redirect_request(request, fp, code, message, headers, newurl)

        return urllib.request.build_opener(Plain, Secure, Redirects)


def _shown(url: str) -> str:
    """Return a URL without its query and fragment, as it may be printed in a public issue."""
    parts = urlsplit(url)
    return parts._replace(query="", fragment="").geturl()


def fetch(url: str, timeout: float, allow_private: bool = False) -> Result:
    """Request one URL: HEAD, then GET if the server refuses HEAD (405, 501) or fails on it; within twice `timeout`."""
    if urlsplit(url).scheme.lower() not in SCHEMES:
        return Result(url, "scheme")
    guard = _Guard(allow_private, 2 * timeout)
    try:
        return _fetch(url, timeout, guard)
    finally:
        guard.timer.cancel()
        for sock in guard.sockets:
            sock.close()


def _fetch(url: str, timeout: float, guard: _Guard) -> Result:
    result = None
    opener = guard.opener()
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with opener.open(request, timeout=timeout) as response:
                final = response.geturl()
                status = response.status
            if guard.expired:  # the headers were cut off at the deadline
                return Result(url, "timeout", detail=f"{2 * timeout:g} 秒内没有完成")
            kind = _status_kind(status)
            result = Result(url, "redirect" if kind == "ok" and final != url else kind, status, _shown(final) if final != url else "")
        except urllib.error.HTTPError as exc:
            result = Result(url, _status_kind(exc.code), exc.code)
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            if guard.expired:
                return Result(url, "timeout", detail=f"{2 * timeout:g} 秒内没有完成")
            kind, detail = classify_error(exc)
            return Result(url, kind, detail=detail)
        if method == "HEAD" and result.status in (400, 403, 405, 501) or result.kind == "server-error" and method == "HEAD":
            continue
        return result
    return result


def check_links(urls: list[str], timeout: float = 10, per_host: int = 2, workers: int = 16, give_up_after: int = 3,
                progress=None, allow_private: bool = False) -> dict[str, Result]:
    """Check every URL once (with one retry for a failure that may pass); return url → Result. Addresses that are not
    public are not contacted unless `allow_private` (for testing against a local server)."""
    lock = threading.Lock()
    limits = defaultdict(lambda: threading.Semaphore(per_host))
    failures: dict[str, list[str]] = defaultdict(list)  # host → kinds of its latest consecutive failures
    results = {}

    def one(url: str) -> Result:
        host = urlsplit(url).hostname or ""
        with limits[host]:
            with lock:
                if len(failures[host]) >= give_up_after:
                    return Result(url, failures[host][-1], detail=f"同一网站已连续 {give_up_after} 次无法访问，未再请求")
            result = fetch(url, timeout, allow_private)
            if result.kind in BAD - {"private", "scheme"}:
                result = fetch(url, timeout, allow_private)  # one retry
            with lock:
                failures[host] = failures[host] + [result.kind] if result.kind in GIVE_UP else []
        return result

    unique = list(dict.fromkeys(urls))
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(one, url): url for url in unique}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            results[futures[future]] = future.result()
            if progress and done % 50 == 0:
                progress(done, len(unique))
    return results
