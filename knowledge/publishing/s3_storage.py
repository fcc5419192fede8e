"""Object storage for uploads (production with AWS_STORAGE_BUCKET_NAME): the bucket serves only
public renditions (`images/`); originals and protected renditions are read by the site's checking
views with the site's credentials (knowledge/publishing/storage.py)."""

from storages.backends.s3 import S3Storage

from .storage import CheckedURLsMixin


class CheckedS3Storage(CheckedURLsMixin, S3Storage):
    pass
