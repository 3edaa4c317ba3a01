"""What a user typed into a form when their session had ended: kept across the login.

A form sent by somebody whose session expired (a row being edited over lunch)
cannot be saved: the login page comes first. Its values are kept in the new,
anonymous session, which the login carries over (Django's ``login`` keeps the data
of a session that had no user), and the form they were typed into shows them
again, with a notice that they are not saved yet.
"""

from __future__ import annotations

from django.http import QueryDict

_KEY = "unsaved_form"
# A row's form is a few kilobytes; nothing larger is kept in a session.
MAX_CHARACTERS = 64 * 1024
_NOT_KEPT = {"csrfmiddlewaretoken"}


def keep(request) -> bool:
    """Keep the form data of the POST ``request`` for after the login; False when it
    has none, carries files, or is too large to keep."""
    if request.method != "POST" or request.FILES or not request.POST:
        return False
    data = {name: request.POST.getlist(name) for name in request.POST if name not in _NOT_KEPT}
    if not data or sum(len(name) + sum(len(v) for v in values) for name, values in data.items()) > (
        MAX_CHARACTERS
    ):
        return False
    request.session[_KEY] = {"path": request.path, "data": data}
    return True


def peek_path(request) -> str | None:
    """The path of the form whose values are kept, if any (without taking them)."""
    kept = request.session.get(_KEY) if hasattr(request, "session") else None
    return kept.get("path") if kept else None


def take(request, path: str) -> QueryDict | None:
    """The values kept for the form that posts to ``path``, once; None if there are none."""
    kept = request.session.get(_KEY) if hasattr(request, "session") else None
    if not kept or kept.get("path") != path:
        return None
    del request.session[_KEY]
    data = QueryDict(mutable=True)
    for name, values in kept["data"].items():
        data.setlist(name, values)
    return data
