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
from django.core.files.storage import FileSystemStorage
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
    return posixpath.join(folder, f"{secrets.token_hex(TOKEN_CHARS // 2)}_{stem[:max(room, 1)]}{extension}")


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
            os.chmod(temporary, self.file_permissions_mode if self.file_permissions_mode is not None else 0o644)
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
