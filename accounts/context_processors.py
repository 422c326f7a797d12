"""Template context: the signed-in user's role, for navigation only (never for access decisions)."""

from accounts.roles import is_leader, is_office_admin, is_staff_reporter


def roles(request):
    user = request.user
    return {
        "user_is_admin": is_office_admin(user),
        "user_is_staff_reporter": is_staff_reporter(user),
        "user_is_leader": is_leader(user),
    }
