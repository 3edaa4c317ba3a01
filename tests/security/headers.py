"""What every response of the site must carry, shared by the header tests and
the permission matrix (which checks it on every URL it visits)."""

from __future__ import annotations

import re

REQUIRED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def parse_csp(header: str) -> dict[str, list[str]]:
    """{directive: [sources]} of a Content-Security-Policy header."""
    policy = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


def assert_security_headers(response, *, admin: bool = False) -> dict[str, list[str]]:
    """Assert the CSP and the other security headers; return the parsed policy."""
    where = getattr(response, "wsgi_request", None)
    where = where.get_full_path() if where is not None else "response"
    for name, value in REQUIRED.items():
        assert response.get(name) == value, f"{where}: {name} is {response.get(name)!r}"
    assert "Content-Security-Policy" in response, f"{where}: no Content-Security-Policy"
    policy = parse_csp(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"], where
    assert policy["object-src"] == ["'none'"], where
    assert policy["base-uri"] == ["'none'"], where
    assert policy["frame-ancestors"] == ["'none'"], where
    assert policy["form-action"] == ["'self'"], where
    assert set(policy["img-src"]) == {"'self'", "data:"}, where
    scripts = policy["script-src"]
    assert "'self'" in scripts, where
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(scripts), where
    assert all(s == "'self'" or s.startswith("'nonce-") for s in scripts), where
    styles = policy["style-src"]
    expected_styles = {"'self'", "'unsafe-inline'"} if admin else {"'self'"}
    assert set(styles) == expected_styles, f"{where}: style-src {styles}"
    return policy


def script_nonces(body: str) -> set[str]:
    return set(re.findall(r'<script\b[^>]*\bnonce="([^"]*)"', body))


def inline_scripts(body: str) -> list[str]:
    """<script> elements without src: none may exist without the page's nonce."""
    return [
        tag
        for tag in re.findall(r"<script\b[^>]*>", body)
        if "src=" not in tag and 'type="application/json"' not in tag
    ]
