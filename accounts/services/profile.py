"""A user's own settings (个人设置): their email address, mobile number and the channels they want
to be told through besides the inbox (dispatch's notifications). Audited like every user change."""

import re

from django.conf import settings
from django.core.validators import validate_email
from django.db import transaction

from accounts.models import User
from projects.services.audit import audited_save
from projects.services.errors import ValidationError

MOBILE = re.compile(r"1\d{10}")
MOBILE_RULE = "手机号应为以 1 开头的 11 位数字。"
# The profile's channel fields: the dispatch channel (dispatch.choices.Channel) each stands for, and its name.
CHANNEL_FIELDS = {
    "notify_by_email": ("email", "邮件发送服务器"),  # unconfigured: mail would reach no mailbox
    "notify_by_dingtalk": ("dingtalk", "钉钉群机器人"),
    "notify_by_wecom": ("wecom", "企业微信群机器人"),
}
EMAIL_MAX = User._meta.get_field("email").max_length


# Email backends that deliver nothing to anyone: the console (development) prints, the dummy drops.
UNDELIVERED_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


def configured_channels():
    """The channels this installation sends through, by their codes: email when Django's email
    backend really delivers (SMTP, a file or memory store; not the console nor the dummy, which
    reach no one's mailbox), a group robot when its webhook is set. The settings decide, so
    accounts reads them itself rather than asking dispatch, the app above it that sends
    (dispatch.services.channels.configured_channels is this list as its Channel values)."""
    channels = []
    if settings.EMAIL_BACKEND not in UNDELIVERED_EMAIL_BACKENDS:
        channels.append("email")
    if settings.KP_DINGTALK_WEBHOOK:
        channels.append("dingtalk")
    if settings.KP_WECOM_WEBHOOK:
        channels.append("wecom")
    return channels


def profile_update(*, user, email, mobile, notify_by_email, notify_by_dingtalk, notify_by_wecom):
    """Save ``user``'s own email, mobile and notification channels; return the names of the fields
    that changed (none: nothing is written). A channel the installation has not configured cannot be
    turned on (one already on stays on, to work again once it is configured); email needs an address."""
    email = (email or "").strip()
    mobile = (mobile or "").strip()
    wanted = {
        "email": email,
        "mobile": mobile,
        "notify_by_email": bool(notify_by_email),
        "notify_by_dingtalk": bool(notify_by_dingtalk),
        "notify_by_wecom": bool(notify_by_wecom),
    }
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        _check(locked, wanted)
        changed = [name for name, value in wanted.items() if getattr(locked, name) != value]
        if not changed:
            return []
        for name in changed:
            setattr(locked, name, wanted[name])
            setattr(user, name, wanted[name])
        audited_save(locked, user=user, reason="本人修改个人设置", update_fields=changed)
    return changed


def _check(current, wanted):
    errors = {}
    email, mobile = wanted["email"], wanted["mobile"]
    if mobile and not MOBILE.fullmatch(mobile):
        errors["mobile"] = MOBILE_RULE
    if len(email) > EMAIL_MAX:
        errors["email"] = f"邮箱地址不能超过 {EMAIL_MAX} 个字符。"
    elif email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "邮箱地址格式不正确，例如 zhangsan@example.gov.cn。"
    if wanted["notify_by_email"] and not email:
        errors["notify_by_email"] = "选择邮件提醒需要先填写邮箱地址。"
    configured = configured_channels()
    for field, (channel, name) in CHANNEL_FIELDS.items():
        if wanted[field] and not getattr(current, field) and channel not in configured:
            errors[field] = f"本系统尚未配置{name}，暂不能选择。"
    if errors:
        raise ValidationError(errors)
