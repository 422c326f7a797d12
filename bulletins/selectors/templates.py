"""The Word template an office's bulletins are rendered with."""

from bulletins.models import BulletinTemplate


def active_template(region):
    """The office's active BulletinTemplate, or None when it uses the default template."""
    if region is None:
        return None
    return BulletinTemplate.objects.filter(region=region, active=True).first()
