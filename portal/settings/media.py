"""The object-store settings of MEDIA_STORAGE=s3 (settings/base.py), read from an environment mapping so that the
tests build exactly what a deployment gets."""

from __future__ import annotations

from collections.abc import Mapping


def s3_storages(environ: Mapping[str, str]) -> dict[str, dict]:
    """STORAGES entries for public media and private uploads in two buckets of an S3-compatible store.

    S3_ENDPOINT_URL (empty for AWS itself), S3_REGION, S3_ADDRESSING_STYLE ("path" for most self-hosted stores),
    S3_MEDIA_BUCKET, S3_PRIVATE_BUCKET, S3_MEDIA_DOMAIN (a CDN or the public host in front of the media bucket).
    Credentials are not settings: boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an instance role).
    """
    common = {
        "endpoint_url": environ.get("S3_ENDPOINT_URL") or None,
        "region_name": environ.get("S3_REGION") or None,
        "addressing_style": environ.get("S3_ADDRESSING_STYLE") or None,
        "file_overwrite": False,  # a second upload of the same name gets a new name, as on the local disk
        "signature_version": "s3v4",
        "default_acl": None,  # objects follow the bucket's policy: public read for media, none for private
    }
    return {
        "default": {
            "BACKEND": "portal.core.storage.SafeS3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": environ.get("S3_MEDIA_BUCKET", "xact-media"),
                "custom_domain": environ.get("S3_MEDIA_DOMAIN") or None,
                "querystring_auth": False,  # public media (Wagtail images): plain, cacheable URLs
            },
        },
        "private": {
            "BACKEND": "portal.core.storage.PrivateS3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": environ.get("S3_PRIVATE_BUCKET", "xact-private"),
                # Private files are streamed by the permission-checked views; should a URL ever be made, it is
                # signed and expires within a minute.
                "querystring_auth": True,
                "querystring_expire": 60,
            },
        },
    }
