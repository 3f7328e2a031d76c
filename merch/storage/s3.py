"""Photo files in S3-compatible object storage through boto3 (AWS S3, MinIO, OSS, COS …).

Credentials and region come the way boto3 always reads them (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``, or an instance role); the endpoint is
``MERCH_S3_ENDPOINT_URL`` for anything but AWS itself. An S3 PUT is atomic: readers see the
whole object or none.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from merch.storage import StoredFile


class S3Storage:
    """Keys are object names below ``prefix`` in ``bucket``."""

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.endpoint_url = endpoint_url
        self.description = f"s3://{bucket}/{self.prefix}" + (f" at {endpoint_url}" if endpoint_url else "")
        self._client: Any = None
        self._client_pid: int | None = None
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        """One boto3 client per process (clients are thread-safe but must not cross a fork)."""
        if self._client is None or self._client_pid != os.getpid():
            with self._lock:
                if self._client is None or self._client_pid != os.getpid():
                    import boto3  # not at import time: the folder back end never needs it
                    from botocore.config import Config

                    self._client = boto3.session.Session().client(
                        "s3",
                        endpoint_url=self.endpoint_url,
                        config=Config(retries={"max_attempts": 5, "mode": "standard"}, max_pool_connections=20),
                    )
                    self._client_pid = os.getpid()
        return self._client

    def _name(self, key: str) -> str:
        from merch.storage import valid_key

        return self.prefix + valid_key(key)

    def put(self, key: str, data: bytes, content_type: str = "image/jpeg") -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except self.client.exceptions.NoSuchKey:
            return None
        body = answer["Body"]
        try:
            return body.read()  # type: ignore[no-any-return]
        finally:
            body.close()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def files(self) -> Iterator[StoredFile]:
        from merch.storage import StoredFile

        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for entry in page.get("Contents", []):
                yield StoredFile(
                    key=entry["Key"][len(self.prefix) :],
                    size=entry["Size"],
                    modified_at=entry["LastModified"],
                )

    def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist (tests and first set-up; needs the right)."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            region = self.client.meta.region_name
            options: dict[str, Any] = {}
            if region and region != "us-east-1":
                options["CreateBucketConfiguration"] = {"LocationConstraint": region}
            self.client.create_bucket(Bucket=self.bucket, **options)
