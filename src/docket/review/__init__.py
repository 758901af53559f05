"""Review: what people decide about the register, and who they are.

``docket.review.actions`` holds the review actions (confirm, dispute, reject, edit a field, note, merge,
split, unmerge, attach and detach media), each recorded in the ``reviews`` table and the chain of custody;
``docket.review.accounts`` holds users, roles, Argon2 password hashes, API tokens and sessions. The CLI
and the web application both call these functions; neither writes review SQL of its own.

Names are imported lazily: the store's migrations import ``docket.review.tables`` while the store
itself is still loading, so this package must not import the store at import time.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "ReviewError": "actions",
    "confirm": "actions",
    "dispute": "actions",
    "reject": "actions",
    "set_status": "actions",
    "edit_field": "actions",
    "revert_field": "actions",
    "add_note": "actions",
    "merge": "actions",
    "split": "actions",
    "unmerge": "actions",
    "attach_media": "actions",
    "detach_media": "actions",
    "history": "actions",
    "EDITABLE_FIELDS": "actions",
    "ROLES": "accounts",
    "AccountError": "accounts",
    "User": "accounts",
    "add_user": "accounts",
    "authenticate": "accounts",
    "create_token": "accounts",
    "user_for_token": "accounts",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'docket.review' has no attribute {name!r}")
    return getattr(import_module(f"docket.review.{module}"), name)
