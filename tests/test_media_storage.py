"""Uploads in an S3-compatible bucket (MEDIA_S3_BUCKET, django-storages): the photo and the kept
import file are written to the bucket, not to this server's disk, and served back through the
application's scope check. The bucket is moto's in-memory S3."""

import boto3
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse
from moto import mock_aws

from config.storage import FILE_SYSTEM, media_storage
from projects.models import MonthlyReport
from tests.conftest import SAMPLE_LIST
from tests.projects.test_report_views import OPEN_LISTING, edit_url, form_data, image_file, media_files

BUCKET = "xmb-media"


def test_the_local_media_folder_is_the_default(monkeypatch):
    monkeypatch.delenv("MEDIA_S3_BUCKET", raising=False)
    assert media_storage() == FILE_SYSTEM


def test_a_bucket_named_without_django_storages_installed_is_a_clear_error(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def without_storages(name, *args, **kwargs):
        if name.startswith("storages"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setenv("MEDIA_S3_BUCKET", BUCKET)
    monkeypatch.setattr(builtins, "__import__", without_storages)
    with pytest.raises(ImproperlyConfigured, match=r"pip install -e '\.\[s3\]'"):
        media_storage()


@pytest.fixture
def bucket(monkeypatch):
    """The environment an office sets for its bucket, and the bucket (empty)."""
    for name, value in {
        "MEDIA_S3_BUCKET": BUCKET,
        "MEDIA_S3_REGION": "cn-north-1",
        "MEDIA_S3_PREFIX": "kptracker",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        s3 = boto3.client("s3", region_name="cn-north-1")
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "cn-north-1"})
        with override_settings(STORAGES={**settings.STORAGES, "default": media_storage()}):

            def keys():
                return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))

            yield keys


def test_a_photo_goes_to_the_bucket_and_is_served_from_it(client_for, listing_of, bucket):
    listing = listing_of(OPEN_LISTING)
    files_before = media_files()
    client = client_for("staff_a")
    response = client.post(edit_url(listing), form_data(action="draft", photos=image_file(size=(320, 240))))
    assert response.status_code == 302
    photo = MonthlyReport.objects.get(listing=listing, month=9).photos.get()

    assert bucket() == sorted([f"kptracker/{photo.image.name}", f"kptracker/{photo.thumbnail.name}"])
    assert media_files() == files_before  # nothing on this server's disk
    served = client.get(reverse("projects:photo", args=[photo.pk]))
    stored = boto3.client("s3", region_name="cn-north-1").get_object(Bucket=BUCKET, Key=f"kptracker/{photo.image.name}")
    assert served.status_code == 200 and b"".join(served.streaming_content) == stored["Body"].read()
    thumbnail = client.get(reverse("projects:photo_thumbnail", args=[photo.pk]))
    assert thumbnail.status_code == 200 and b"".join(thumbnail.streaming_content)  # read whole: the file is closed
    assert client_for("staff_b").get(reverse("projects:photo", args=[photo.pk])).status_code == 404  # scope holds


def test_two_photos_of_the_same_name_are_both_kept(client_for, listing_of, bucket):
    listing = listing_of(OPEN_LISTING)
    client = client_for("staff_a")
    client.post(edit_url(listing), form_data(action="draft", photos=[image_file(), image_file(size=(80, 60))]))
    photos = MonthlyReport.objects.get(listing=listing, month=9).photos.all()
    assert len({photo.image.name for photo in photos}) == 2
    assert len(bucket()) == 4  # two photos, two thumbnails: nothing replaced


def test_the_imported_list_is_kept_in_the_bucket(client_for, bucket):
    client = client_for("admin")
    with SAMPLE_LIST.open("rb") as handle:
        response = client.post(reverse("projects:import_list"), {"year": 2016, "level": "city", "file": handle})
    assert response.status_code == 302
    record_url = response["Location"]
    record_pk = int(record_url.rstrip("/").rsplit("/", 1)[-1])
    assert [key for key in bucket() if key.endswith(".xlsx")]
    kept = client.get(reverse("projects:import_file", args=[record_pk]))
    assert b"".join(kept.streaming_content) == SAMPLE_LIST.read_bytes()
