"""The outbound channels (email, DingTalk and WeCom group robots): which are configured, and how one
message leaves through each. Each send raises DeliveryError with the reason when it fails."""

from django.conf import settings

from dispatch.choices import Channel


class DeliveryError(Exception):
    """A delivery attempt failed; the message is the reason recorded on the outbox row."""


def configured_channels():
    """The channels this installation can send through (settings)."""
    channels = [Channel.EMAIL]  # Django's email framework is always there (console in development)
    if settings.KP_DINGTALK_WEBHOOK:
        channels.append(Channel.DINGTALK)
    if settings.KP_WECOM_WEBHOOK:
        channels.append(Channel.WECOM)
    return channels
