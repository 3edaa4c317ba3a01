"""check --deploy says when the links in mails would have no host."""

from tests.test_settings_deploy import PRODUCTION, manage


def test_deploy_check_warns_without_a_site_url():
    result = manage("check", "--deploy", **{**PRODUCTION, "SITE_URL": ""})
    assert "outbox.W001" in result.stdout + result.stderr
