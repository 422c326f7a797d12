"""The outbound channels (email, DingTalk and WeCom group robots): which are configured, and how one
message leaves through each. Each send raises DeliveryError with the reason when it fails.

The robots are plain HTTPS POSTs of JSON (urllib: no dependency for two requests). A robot answers
HTTP 200 with ``{"errcode": 0, ...}`` when it took the message; anything else — another status, a
non-zero errcode (a bad signature, a rate limit), no answer within KP_NOTIFY_TIMEOUT seconds, no
connection — is a failure whose reason is kept on the outbox row. Reasons never contain the webhook
address: its access token is a secret of the installation."""

import base64
import hashlib
import hmac
import http.client
import json
import smtplib
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import send_mail

from accounts.services import profile
from dispatch.choices import Channel

SUBJECT_PREFIX = "【重点项目跟踪】"


class DeliveryError(Exception):
    """A delivery attempt failed; the message is the reason recorded on the outbox row."""


def configured_channels():
    """The channels this installation can send through (settings; the profile page offers the same,
    accounts.services.profile.configured_channels)."""
    return [Channel(code) for code in profile.configured_channels()]


def absolute_link(link):
    """``link`` (a local path) as an address a mail or chat reader can open: KP_SITE_URL in front of
    it when the installation set one, the path alone otherwise."""
    if not link:
        return ""
    return f"{settings.KP_SITE_URL}{link}" if settings.KP_SITE_URL else link


def message_text(notification):
    """The plain text every channel sends: the title, the body, and where to look."""
    lines = [notification.title]
    if notification.body:
        lines.append(notification.body)
    link = absolute_link(notification.link)
    if link:
        lines.append(f"查看详情：{link}")
    return "\n".join(lines)


def send(channel, notification, *, names=None, mobiles=None):
    """Deliver ``notification`` through ``channel``; DeliveryError when it did not leave. An email
    goes to the notification's user; a robot's post names ``names`` and @s ``mobiles`` (everyone
    the post is for: OutboxMessage.robot_recipients), by default the notification's user."""
    if channel not in (Channel.EMAIL, Channel.DINGTALK, Channel.WECOM):
        raise DeliveryError(f"未知的发送渠道：{channel}")
    if channel not in configured_channels():
        raise DeliveryError(f"本系统未配置{Channel(channel).label}。")
    if channel == Channel.EMAIL:
        send_email(notification)
        return
    if names is None:
        user = notification.user
        names, mobiles = [user.get_full_name() or user.username], [user.mobile] if user.mobile else []
    robot = send_dingtalk if channel == Channel.DINGTALK else send_wecom
    robot(notification, names=names, mobiles=mobiles or [])


def robot_text(notification, names):
    """A robot post's text: the message, and whom it is for (a group reads it)."""
    text = message_text(notification)
    return f"{text}\n接收人：{'、'.join(names)}" if names else text


def send_email(notification):
    """One email to the user's address, from DEFAULT_FROM_EMAIL, through the configured backend."""
    address = notification.user.email
    if not address:
        raise DeliveryError("接收人没有填写邮箱地址。")
    try:
        send_mail(
            subject=f"{SUBJECT_PREFIX}{' '.join(notification.title.split())}",  # a header: one line
            message=message_text(notification),
            from_email=None,  # DEFAULT_FROM_EMAIL
            recipient_list=[address],
            fail_silently=False,
        )
    except TimeoutError:
        raise DeliveryError("连接邮件服务器超时。") from None
    except smtplib.SMTPException as error:
        raise DeliveryError(f"邮件服务器拒绝发送：{error}") from None
    except OSError as error:
        raise DeliveryError(f"无法连接邮件服务器：{error.strerror or error}") from None


def dingtalk_sign(secret, timestamp):
    """DingTalk's signature of a request: base64(HMAC-SHA256(secret, "timestamp\\nsecret")), URL-quoted."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def dingtalk_url(webhook, secret, timestamp=None):
    """The webhook address with ``timestamp`` (milliseconds) and ``sign`` when a secret is set."""
    if not secret:
        return webhook
    timestamp = timestamp if timestamp is not None else round(time.time() * 1000)
    joiner = "&" if "?" in webhook else "?"
    return f"{webhook}{joiner}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"


def send_dingtalk(notification, *, names, mobiles):
    """A text message to the DingTalk group robot naming ``names``, @-ing ``mobiles`` (DingTalk
    highlights an @ only when the text carries it too)."""
    content = robot_text(notification, names)
    if mobiles:
        content += "\n" + " ".join(f"@{mobile}" for mobile in mobiles)
    payload = {
        "msgtype": "text",
        "text": {"content": content},
        "at": {"atMobiles": list(mobiles), "isAtAll": False},
    }
    url = dingtalk_url(settings.KP_DINGTALK_WEBHOOK, settings.KP_DINGTALK_SECRET)
    _post_robot(url, payload, name="钉钉")


def send_wecom(notification, *, names, mobiles):
    """A text message to the WeCom (企业微信) group robot naming ``names``, mentioning ``mobiles``."""
    payload = {
        "msgtype": "text",
        "text": {"content": robot_text(notification, names), "mentioned_mobile_list": list(mobiles)},
    }
    _post_robot(settings.KP_WECOM_WEBHOOK, payload, name="企业微信")


def _post_robot(url, payload, *, name):
    """POST ``payload`` as JSON; return when the robot answered HTTP 200 with errcode 0."""
    timeout = settings.KP_NOTIFY_TIMEOUT
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, body = response.status, response.read(65536)
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"{name}机器人返回 HTTP {error.code}。") from None
    except TimeoutError:
        raise DeliveryError(f"{name}机器人在 {timeout:g} 秒内没有响应（超时）。") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise DeliveryError(f"{name}机器人在 {timeout:g} 秒内没有响应（超时）。") from None
        raise DeliveryError(f"无法连接{name}机器人：{_reason(error.reason)}") from None
    except http.client.HTTPException:  # the answer broke off or was no HTTP
        raise DeliveryError(f"{name}机器人的回复不完整或格式错误。") from None
    except OSError as error:  # a connection reset mid-answer
        raise DeliveryError(f"无法连接{name}机器人：{_reason(error)}") from None
    except ValueError:  # urllib's message would quote the address, and its token with it
        raise DeliveryError(f"{name}机器人的 webhook 地址无效，请检查设置。") from None
    if status != 200:
        raise DeliveryError(f"{name}机器人返回 HTTP {status}。")
    try:
        answer = json.loads(body)
    except ValueError:
        raise DeliveryError(f"{name}机器人的回复不是 JSON。") from None
    if not isinstance(answer, dict) or answer.get("errcode") != 0:
        code = answer.get("errcode") if isinstance(answer, dict) else None
        message = answer.get("errmsg", "") if isinstance(answer, dict) else ""
        raise DeliveryError(f"{name}机器人拒绝了消息（errcode {code}：{message}）。")


def _reason(error):
    return getattr(error, "strerror", None) or str(error) or error.__class__.__name__
