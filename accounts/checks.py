"""System checks of the login throttle's settings (run by `make serve` through check --deploy)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def proxy_is_named(app_configs, **kwargs):
    """Behind a proxy, unless it is named, every sign-in seems to come from the proxy's address."""
    if settings.SECURE_PROXY_SSL_HEADER and not settings.KP_TRUSTED_PROXIES:
        return [
            Warning(
                "BEHIND_TLS_PROXY is set but KP_TRUSTED_PROXIES is empty: every sign-in would count as "
                "coming from the proxy's address, so KP_LOGIN_ADDRESS_FAILURE_LIMIT failures from anyone "
                "would stop sign-ins from everyone.",
                hint="Set KP_TRUSTED_PROXIES to the address(es) nginx connects from; nginx passes the "
                "client's address in X-Real-IP (deploy/nginx.conf).",
                id="accounts.W001",
            )
        ]
    return []
