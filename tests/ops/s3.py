"""An S3-compatible object store on this machine for the tests: moto's standalone server, started on a free port
by the tests that need it and stopped after them. Nothing leaves the machine."""

from __future__ import annotations

import contextlib
import socket
import uuid
from dataclasses import dataclass

import boto3
from moto.server import ThreadedMotoServer

REGION = "ap-northeast-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "xact-test", "AWS_SECRET_ACCESS_KEY": "xact-test-secret"}


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def object_store():
    """Yield the endpoint URL of a running store."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@dataclass
class Buckets:
    endpoint: str
    media: str
    private: str

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def environ(self) -> dict[str, str]:
        """The deployment's environment for these buckets (README: MEDIA_STORAGE=s3)."""
        return {
            "MEDIA_STORAGE": "s3",
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": REGION,
            "S3_ADDRESSING_STYLE": "path",
            "S3_MEDIA_BUCKET": self.media,
            "S3_PRIVATE_BUCKET": self.private,
            **CREDENTIALS,
        }

    def keys(self, bucket: str) -> dict[str, bytes]:
        client = self.client()
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def new_buckets(endpoint: str) -> Buckets:
    suffix = uuid.uuid4().hex[:12]
    buckets = Buckets(endpoint, f"xact-media-{suffix}", f"xact-private-{suffix}")
    client = buckets.client()
    for name in (buckets.media, buckets.private):
        client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return buckets
