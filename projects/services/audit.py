"""Saving through the audit trail with the acting user named, also outside a web request."""


def audited_save(obj, *, user, reason="", **save_kwargs):
    """Save ``obj`` so that its history row names ``user`` (and ``reason``, when given)."""
    obj._history_user = user
    if reason:
        obj._change_reason = reason
    obj.save(**save_kwargs)
    return obj
