"""Every file a view writes (pictures, DOT sources, frames, pages) is whole or absent.

``save_file`` hands the bytes to ``nn.files.write_atomically`` (temporary file,
then rename) and turns the one failure a user's own text can cause, a
character UTF-8 cannot encode, into an error naming the view that wrote it.
"""

from __future__ import annotations

from pathlib import Path

from nn.files import write_atomically


def save_file(path, content: bytes | str, operation: str) -> Path:
    """Write ``content`` to ``path`` all at once; a failure leaves no empty or half file."""
    try:
        return write_atomically(path, content)
    except UnicodeEncodeError as error:
        character = error.object[error.start:error.end]
        raise ValueError(
            f"{operation}: nothing written to {str(path)!r}: the text holds {character!r} "
            f"(character {error.start}), which UTF-8 cannot encode"
        ) from None
