"""Writing a file so that it is either wholly there or not changed at all.

Every file tracegrad writes for a user (saved models, pictures, pages) goes
through ``write_atomically``: the bytes go to a temporary file beside the
target, which is then renamed over it. A failure half-way (a full disk, a
string that cannot be encoded, an interrupted program) leaves no empty or
half-written file behind, and an existing file keeps its old content.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path, content: bytes | str, encoding: str = "utf-8") -> Path:
    """Write ``content`` (bytes, or text encoded with ``encoding``) to ``path`` all at once.

    Text is encoded before anything is written, so an unencodable character
    (a lone surrogate) fails with nothing on disk. Returns the path.
    """
    target = Path(path)
    data = content.encode(encoding) if isinstance(content, str) else bytes(content)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                         dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
