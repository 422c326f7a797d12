"""Template context: the signed-in user's role, for navigation only (never for access decisions),
and how the top bar names them."""

from accounts.roles import is_leader, is_office_admin, is_staff_reporter


def user_label(user):
    """The name the top bar shows, once: the full name (or username), followed by the role only when
    the name does not already say it ("卫东区项目办管理员" is not followed by "· 项目办管理员")."""
    if not user.is_authenticated:
        return ""
    name = user.get_full_name() or user.username
    role = user.get_role_display()
    return name if role in name else f"{name} · {role}"


def roles(request):
    user = request.user
    return {
        "user_is_admin": is_office_admin(user),
        "user_is_staff_reporter": is_staff_reporter(user),
        "user_is_leader": is_leader(user),
        "user_label": user_label(user),
    }
