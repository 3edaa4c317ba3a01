"""What point 1 of the trust issue adds to tests/test_settings_deploy.py: the TLS
proxy header only when asked for, and the security settings of this half of the
issue (CSP, lockout, inactivity) present in production settings."""

from tests.test_settings_deploy import PRODUCTION, manage

PRINT = """
from django.conf import settings
print("PROXY", getattr(settings, "SECURE_PROXY_SSL_HEADER", None))
print("CSP", sorted(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]))
print("BACKEND", settings.AUTHENTICATION_BACKENDS[0])
print(
    "AXES",
    settings.AXES_FAILURE_LIMIT,
    settings.AXES_ADDRESS_FAILURE_LIMIT,
    settings.AXES_LOCKOUT_PARAMETERS,
)
print("IDLE", settings.INACTIVITY_TIMEOUT)
"""


def _settings(**env) -> dict[str, str]:
    result = manage("shell", "--no-imports", "-c", PRINT, **PRODUCTION, **env)
    assert result.returncode == 0, result.stderr
    return dict(line.split(" ", 1) for line in result.stdout.splitlines())


def test_proxy_ssl_header_is_trusted_only_when_configured():
    assert _settings()["PROXY"] == "None"
    trusted = _settings(TRUST_X_FORWARDED_PROTO="true")
    assert trusted["PROXY"] == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_production_has_the_csp_lockout_and_inactivity_timeout():
    production = _settings()
    for directive in ("base-uri", "frame-ancestors", "object-src", "script-src"):
        assert directive in production["CSP"]
    assert production["BACKEND"] == "axes.backends.AxesBackend"
    assert production["AXES"] == "5 100 core.security.lockout_parameters"
    assert production["IDLE"] == "1800"
    assert _settings(INACTIVITY_TIMEOUT="600")["IDLE"] == "600"


def test_deploy_check_stays_clean_with_a_proxy_and_the_security_apps():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, TRUST_X_FORWARDED_PROTO="true"
    )
    assert result.returncode == 0, result.stdout + result.stderr
