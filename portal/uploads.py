"""Uploaded PDF files: checked by content, stored outside the static folder under a random name,
and served only through views that check the policy."""

import hashlib
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.models import Upload

PDF_MAGIC = b"%PDF-"


class UploadRefused(Exception):
    """The file cannot be accepted; `reason` is a message for the user."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_pdf(data: bytes) -> None:
    """Refuse anything that is not a PDF of at most UPLOAD_MAX_BYTES, judged by its content."""
    if not data:
        raise UploadRefused(_l("The file is empty."))
    if len(data) > current_app.config["UPLOAD_MAX_BYTES"]:
        raise UploadRefused(_l("The file is larger than 10 MB."))
    # A PDF starts with %PDF- (within the first KB, as readers allow) and ends with %%EOF.
    if PDF_MAGIC not in data[:1024] or b"%%EOF" not in data[-2048:]:
        raise UploadRefused(_l("The file is not a PDF document."))


def store_pdf(file_storage, *, organisation_id: int | None, uploaded_by) -> Upload:
    """Check and write the file; add the Upload row to the session (the caller commits).

    If the caller's transaction fails, `discard(upload)` removes the written file."""
    data = file_storage.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
    check_pdf(data)
    key = secrets.token_hex(16)
    (_folder() / key).write_bytes(data)
    name = Path(file_storage.filename or "dokument.pdf").name[:255] or "dokument.pdf"
    upload = Upload(
        organisation_id=organisation_id,
        uploaded_by_id=getattr(uploaded_by, "id", None),
        filename=name,
        content_type="application/pdf",
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=key,
    )
    db.session.add(upload)
    return upload


def path_of(upload: Upload) -> Path:
    return _folder() / upload.storage_key


def discard(upload: Upload) -> None:
    path_of(upload).unlink(missing_ok=True)
