"""File storage that writes a file completely or not at all, and the message a user sees when it cannot.

Django's FileSystemStorage writes straight into the final name: when the disk fills up half-way the half-written
file stays, under a name a later upload could even be served as. SafeFileSystemStorage writes into a temporary
file in the same folder, then links it to its final name (never replacing an existing file) and removes the
temporary one whatever happens — so a failed write leaves nothing behind.
"""

from __future__ import annotations

import errno
import logging
import os
import posixpath
import secrets
import tempfile

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# Wagtail serves image files straight from MEDIA_URL (originals and resized copies, whose names start with the
# original's). A random token in front of an original's name makes neither guessable from what a municipality
# called its file; documents are served only through a view that checks permissions (WAGTAILDOCS_SERVE_METHOD).
UNGUESSABLE_FOLDERS = ("original_images",)
TOKEN_CHARS = 32
NAME_MAX_LENGTH = 100  # Wagtail's image file field


def unguessable_name(name: str) -> str:
    """original_images/map.png → original_images/<32 random hex digits>_map.png (within NAME_MAX_LENGTH)."""
    folder, filename = posixpath.split(name)
    if folder not in UNGUESSABLE_FOLDERS:
        return name
    stem, extension = posixpath.splitext(filename)
    room = NAME_MAX_LENGTH - len(folder) - 1 - TOKEN_CHARS - 1 - len(extension)
    return posixpath.join(folder, f"{secrets.token_hex(TOKEN_CHARS // 2)}_{stem[: max(room, 1)]}{extension}")


class SafeFileSystemStorage(FileSystemStorage):
    def generate_filename(self, filename):
        # Django's hook between a field's upload_to and saving: every path that stores an image goes through it.
        return unguessable_name(super().generate_filename(filename))

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        if self.directory_permissions_mode is not None:
            old_umask = os.umask(0o777 & ~self.directory_permissions_mode)
            try:
                os.makedirs(directory, self.directory_permissions_mode, exist_ok=True)
            finally:
                os.umask(old_umask)
        else:
            os.makedirs(directory, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as out:
                if hasattr(content, "seek"):
                    content.seek(0)
                for chunk in content.chunks():
                    out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                out.flush()
                os.fsync(out.fileno())
            os.chmod(
                temporary, self.file_permissions_mode if self.file_permissions_mode is not None else 0o644
            )
            while True:
                try:
                    os.link(temporary, full_path)  # fails rather than replace a file of the same name
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            if os.path.lexists(temporary):
                os.unlink(temporary)
        return str(name).replace("\\", "/")


class AliasStorage(Storage):
    """The storage settings.STORAGES names ``alias``, looked up on every call.

    A FileField resolves a callable storage once, when the model is defined; the private files' fields use this
    instead so that the private tree follows settings.STORAGES wherever it points (the local folder, a bucket of
    the object store, a test's temporary folder), with the public Storage API alone."""

    def __init__(self, alias: str):
        self.alias = alias

    @property
    def target(self) -> Storage:
        return storages[self.alias]

    def open(self, name, mode="rb"):
        return self.target.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.target.save(name, content, max_length=max_length)

    def generate_filename(self, filename):
        return self.target.generate_filename(filename)

    def get_valid_name(self, name):
        return self.target.get_valid_name(name)

    def get_available_name(self, name, max_length=None):
        return self.target.get_available_name(name, max_length=max_length)

    def path(self, name):
        return self.target.path(name)

    def delete(self, name):
        return self.target.delete(name)

    def exists(self, name):
        return self.target.exists(name)

    def listdir(self, path):
        return self.target.listdir(path)

    def size(self, name):
        return self.target.size(name)

    def url(self, name):
        return self.target.url(name)

    def get_accessed_time(self, name):
        return self.target.get_accessed_time(name)

    def get_created_time(self, name):
        return self.target.get_created_time(name)

    def get_modified_time(self, name):
        return self.target.get_modified_time(name)


PRIVATE_STORAGE = AliasStorage("private")


def storage_error(exc: OSError, field: str | None = None) -> ValidationError:
    """The user's message for a file the server could not store (logged for the operators)."""
    logger.error("Could not store an uploaded file: %s", exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        message = _(
            "The file could not be saved because the server's storage is full. Nothing of this upload was kept; "
            "what you saved before is unchanged. Please try again later; if it keeps failing, tell the programme office."
        )
    else:
        message = _(
            "The file could not be saved on the server. Nothing of this upload was kept; what you saved before "
            "is unchanged. Please try again later."
        )
    return ValidationError({field: [message]} if field else message, code="storage")


# --- an S3-compatible object store (MEDIA_STORAGE=s3, settings/base.py) ---------------------------------------
# Imported only when configured: django-storages and boto3 are needed by that deployment alone.
try:
    from botocore.exceptions import BotoCoreError, ClientError
    from storages.backends.s3 import S3Storage
except ImportError:  # pragma: no cover - the local-disk deployment
    S3Storage = None

if S3Storage is not None:

    class SafeS3Storage(S3Storage):
        """Public media in a bucket: the same unguessable image names as on the local disk; an object appears
        only when its upload completed (S3's PUT is atomic). A failure of the store reaches the user as the same
        'could not be saved' message as a failing disk (an OSError for storage_error), never a 500."""

        def generate_filename(self, filename):
            return unguessable_name(super().generate_filename(filename))

        def _save(self, name, content):
            try:
                return super()._save(name, content)
            except (BotoCoreError, ClientError) as exc:
                raise OSError(errno.EIO, f"object store: {exc}") from exc

    class PrivateS3Storage(SafeS3Storage):
        """Private uploads: a bucket without public read. Files are streamed by the permission-checked views; a URL,
        should one be asked for, is signed and expires within a minute (settings: querystring_auth/expire)."""
