"""Which roles may open a page: every page names them; anyone else gets 403 (administrators open every page)."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import abort
from flask_login import current_user, login_required

from nuanxin.console.accounts import Role, Staff


def allowed(*roles: Role) -> Callable:
    def wrap(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def checked(*args: Any, **kwargs: Any) -> Any:
            if current_user.staff.role not in (*roles, Role.ADMIN):
                abort(403)
            return view(*args, **kwargs)
        return checked
    return wrap


def me() -> Staff:
    return current_user.staff
