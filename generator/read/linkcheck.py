"""Checking the contact websites over HTTP: HEAD first, GET when HEAD is refused, one retry, redirects followed and
reported, a few requests per host at a time, and a host that keeps timing out or refusing is not asked again."""

from __future__ import annotations

import concurrent.futures
import http.client
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
}
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


def classify_error(exc: BaseException) -> tuple[str, str]:
    """Return the kind and detail of a failed request: a timeout, a refusal, DNS, TLS or another error."""
    reason = getattr(exc, "reason", exc)
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


def fetch(url: str, timeout: float) -> Result:
    """Request one URL: HEAD, then GET if the server refuses HEAD (405, 501) or fails on it."""
    result = None
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                final = response.geturl()
                status = response.status
            kind = _status_kind(status)
            result = Result(url, "redirect" if kind == "ok" and final != url else kind, status, final if final != url else "")
        except urllib.error.HTTPError as exc:
            result = Result(url, _status_kind(exc.code), exc.code)
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            kind, detail = classify_error(exc)
            return Result(url, kind, detail=detail)
        if method == "HEAD" and result.status in (400, 403, 405, 501) or result.kind == "server-error" and method == "HEAD":
            continue
        return result
    return result


def check_links(urls: list[str], timeout: float = 10, per_host: int = 2, workers: int = 16, give_up_after: int = 3,
                progress=None) -> dict[str, Result]:
    """Check every URL once (with one retry for a failure that may pass); return url → Result."""
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
            result = fetch(url, timeout)
            if result.kind in BAD:
                result = fetch(url, timeout)  # one retry
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
