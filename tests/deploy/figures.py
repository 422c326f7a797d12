"""Print what an installation shows, as JSON, to compare two installations (a database and its
restored copy): the overview's figures as the admin sees them, every level's investment summary
for every month of 2015, and a digest of each photo as the application serves it.

Run as `python -m tests.deploy.figures` with DATABASE_URL and MEDIA_ROOT set."""

import hashlib
import json
import os
import re
from dataclasses import asdict

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

from projects.choices import Level  # noqa: E402
from projects.models import ReportPhoto  # noqa: E402
from projects.selectors.figures import investment_summary, listings_for  # noqa: E402


def overview(client, level):
    page = client.get(f"/overview/?year=2015&month=9&level={level}").content.decode()
    if 'id="no-listings"' in page:  # a level without a list says so, with no figures to compare
        return {"no_listings": re.search(r'class="empty-lead">([^<]*)<', page).group(1)}
    return {key: re.search(rf'id="overview-{key}">([^<]*)<', page).group(1) for key in ("plan", "done", "percent")}


def main():
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    figures = {"overview": {level: overview(client, level) for level in Level.values}, "summaries": {}, "photos": {}}
    for level in Level.values:
        for month in range(1, 13):
            summary = investment_summary(listings=listings_for(year=2015, level=level), month=month)
            figures["summaries"][f"{level}-{month}"] = {key: str(value) for key, value in asdict(summary).items()}
    for pk in ReportPhoto.objects.order_by("pk").values_list("pk", flat=True):
        response = client.get(f"/photos/{pk}/")
        figures["photos"][pk] = hashlib.sha256(b"".join(response.streaming_content)).hexdigest()
        response.close()
    print(json.dumps(figures, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
