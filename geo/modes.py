"""The permission bits a file or folder geo makes ends with: those the user's umask gives.

Staging places (``tempfile.mkdtemp``, ``mkstemp``) are created private (``0700``,
``0600``); what geo moves into place from them must read as any file or folder
the user makes, so that a group or a web server can read it when the user's
umask lets them.
"""

from __future__ import annotations

import os

__all__ = ["as_made_by_the_user", "umask"]


def umask() -> int:
    """The process's umask, read by setting it and setting it back.

    Returns
    -------
    int
        The mask, for example ``0o022``.

    Examples
    --------
    >>> 0 <= umask() <= 0o777
    True
    """
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def as_made_by_the_user(path: str | os.PathLike[str], *, folder: bool) -> None:
    """Give ``path`` the mode a new file (``0666``) or folder (``0777``) gets under the umask.

    Parameters
    ----------
    path : str or os.PathLike
        A file or folder geo staged and is about to move into place.
    folder : bool
        Whether ``path`` is a folder (so it keeps its search bits).

    Raises
    ------
    OSError
        When the mode cannot be set (the caller says what it was writing).
    """
    os.chmod(path, (0o777 if folder else 0o666) & ~umask())
