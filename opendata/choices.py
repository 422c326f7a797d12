"""The open-data domain's vocabularies with their Chinese labels."""

from django.db import models


class CoordinateSystem(models.TextChoices):
    """The coordinate system a point was entered in. What is stored is always WGS84; a point copied
    from a Chinese web map is in that map's system and is converted on entry (opendata.coordinates)."""

    WGS84 = "wgs84", "WGS84（GPS、天地图、国际地图）"
    GCJ02 = "gcj02", "GCJ-02（高德、腾讯地图）"
    BD09 = "bd09", "BD-09（百度地图）"
