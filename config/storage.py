"""Where uploads (site photos, imported lists) are kept, from the environment.

By default MEDIA_ROOT on this machine's disk, which several app servers must share (NFS or the
like). With MEDIA_S3_BUCKET set, an S3-compatible bucket (MinIO, OSS, COS, …) through
django-storages; the keys come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. The bucket stays
private: every file is served through the application's own scope check, never by a public URL.
"""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_str

FILE_SYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def media_storage():
    """The STORAGES["default"] entry the environment asks for."""
    bucket = env_str("MEDIA_S3_BUCKET", "")
    if not bucket:
        return FILE_SYSTEM
    try:
        import storages.backends.s3  # noqa: F401
    except ImportError as error:
        raise ImproperlyConfigured(
            "MEDIA_S3_BUCKET is set but django-storages is not installed: pip install -e '.[s3]'"
        ) from error
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env_str("MEDIA_S3_ENDPOINT_URL"),  # unset: AWS itself
            "region_name": env_str("MEDIA_S3_REGION"),
            "location": env_str("MEDIA_S3_PREFIX", ""),  # a folder inside the bucket
            "addressing_style": env_str("MEDIA_S3_ADDRESSING_STYLE"),  # "path" for most self-hosted stores
            "file_overwrite": False,  # a second file of the same name gets a new name, never replaces
            "default_acl": "private",
        },
    }
