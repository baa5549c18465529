"""城市哨兵上报: the list with filters (and CSV), the district map, one report with its photo, history and nearby
duplicates; status change with note, merge into an original, verify (points granted)."""
from __future__ import annotations

import math
from datetime import date
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from console import csv_export
from console.access import allowed, me
from nuanxin.console.accounts import Role
from nuanxin.report import categories, review, workflow
from nuanxin.report.states import ReportState

pages = Blueprint("reports", __name__, url_prefix="/reports")
PAGE = 100
MAP_WIDTH = 900
KIND_NAMES = {review.ReporterKind.GRID: "网格员", review.ReporterKind.RIDER: "骑手",
              review.ReporterKind.SYSTEM: "外部系统"}


class ActionForm(FlaskForm):
    pass


class StatusForm(FlaskForm):
    state = StringField(validators=[DataRequired(), Length(max=16)])
    note = TextAreaField(validators=[Length(max=500)])


class VerifyForm(FlaskForm):
    note = TextAreaField(validators=[Length(max=500)])


class MergeForm(FlaskForm):
    original = StringField(validators=[DataRequired(), Length(max=20)])
    note = TextAreaField(validators=[Length(max=500)])


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters() -> review.Filters:
    args = request.args
    return review.Filters(status=args.get("status") or None, category=args.get("category") or None,
                          street=args.get("street") or None, since=_day(args.get("since")),
                          until=_day(args.get("until")), reporter=args.get("reporter") or None)


def _choices() -> dict[str, Any]:
    return {"states": [(s.value, categories.state_name(s.value)) for s in ReportState],
            "categories": [(c.id, c.name) for c in categories.all_categories()],
            "streets": review.streets(), "kinds": KIND_NAMES}


@pages.route("/")
@allowed(Role.REVIEWER)
def listing() -> Any:
    page = max(1, request.args.get("page", 1, type=int))
    total, rows = review.page(_filters(), (page - 1) * PAGE, PAGE)
    return render_template("reports.html", rows=rows, total=total, page=page, pages=max(1, -(-total // PAGE)),
                           args=request.args, **_choices())


@pages.route("/export.csv")
@allowed(Role.REVIEWER)
def export() -> Any:
    rows = review.listing(_filters())
    return csv_export.response("reports.csv", ["工单", "上报时间", "状态", "类别", "街道", "地点",
                                               "内容（已隐去个人信息）", "附议人数", "待人工审阅", "上报人类型"],
                               [(r.ticket, r.filed.strftime("%Y-%m-%d %H:%M"), r.status_name, r.category, r.street,
                                 r.place, r.excerpt, r.confirmations, "是" if r.held else "", KIND_NAMES[r.reporter])
                                for r in rows])


@pages.route("/map")
@allowed(Role.REVIEWER)
def district_map() -> Any:
    data = review.map_data(_filters())
    return render_template("reports_map.html", data=data, at=_projection(data.bounds), args=request.args,
                           **_choices())


def _projection(bounds: tuple[float, float, float, float], width: int = MAP_WIDTH, margin: int = 30) -> Any:
    """Longitude and latitude to the SVG's x and y (equirectangular, east-west shrunk by the cosine of the
    latitude, north up): the district is a few kilometres across, so this is as good as any projection."""
    west, south, east, north = bounds
    shrink = math.cos(math.radians((south + north) / 2))
    scale = (width - 2 * margin) / max((east - west) * shrink, 1e-9)

    def at(lon: float, lat: float) -> tuple[float, float]:
        return round(margin + (lon - west) * shrink * scale, 1), round(margin + (north - lat) * scale, 1)
    at.height = round(2 * margin + (north - south) * scale)  # type: ignore[attr-defined]
    return at


@pages.route("/<ticket>")
@allowed(Role.REVIEWER)
def detail(ticket: str) -> Any:
    return _detail_page(_shown(ticket), None, request.args.get("done"), request.args.get("problem"))


def _shown(ticket: str) -> review.Detail:
    try:
        return review.detail(ticket)
    except workflow.NotAllowed:
        abort(404)


def _detail_page(shown: review.Detail, contact: tuple[str, str] | None, done: str | None, problem: str | None) -> Any:
    return render_template("report.html", shown=shown, kinds=KIND_NAMES, status_form=StatusForm(),
                           verify_form=VerifyForm(), merge_form=MergeForm(), action_form=ActionForm(),
                           contact=contact, done=done, problem=problem)


@pages.route("/<ticket>/photo")
@allowed(Role.REVIEWER)
def photo(ticket: str) -> Any:
    try:
        path = review.photo_file(ticket)
    except workflow.NotAllowed:
        abort(404)
    if path is None:
        abort(404)
    return send_file(path, max_age=0)


@pages.route("/<ticket>/contact", methods=["POST"])
@allowed(Role.REVIEWER)
def contact(ticket: str) -> Any:
    """The reporter's name and phone in full (audited)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    shown = _shown(ticket)
    return _detail_page(shown, review.reporter_contact(ticket, me().username), None, None)


def _changed(ticket: str, change: Any) -> Any:
    try:
        changed = change()
    except (workflow.NotAllowed, ValueError):
        return redirect(url_for("reports.detail", ticket=ticket, problem="1"))
    done = f"{changed.status}，已通知 {changed.notified} 人"
    if changed.points_granted:
        done += f"，上报人获得 {changed.points_granted} 积分"
    return redirect(url_for("reports.detail", ticket=ticket, done=done))


@pages.route("/<ticket>/status", methods=["POST"])
@allowed(Role.REVIEWER)
def change_status(ticket: str) -> Any:
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    if form.state.data == ReportState.DUPLICATE.value:  # a duplicate needs its original: 合并
        return redirect(url_for("reports.detail", ticket=ticket, problem="1"))
    return _changed(ticket, lambda: workflow.change_status(ticket, ReportState(form.state.data),
                                                           form.note.data or None, me().username))


@pages.route("/<ticket>/verify", methods=["POST"])
@allowed(Role.REVIEWER)
def verify(ticket: str) -> Any:
    form = VerifyForm()
    if not form.validate_on_submit():
        abort(400)
    return _changed(ticket, lambda: workflow.verify(ticket, me().username, form.note.data or None))


@pages.route("/<ticket>/merge", methods=["POST"])
@allowed(Role.REVIEWER)
def merge(ticket: str) -> Any:
    form = MergeForm()
    if not form.validate_on_submit():
        abort(400)
    return _changed(ticket, lambda: workflow.merge(ticket, form.original.data, me().username,
                                                   form.note.data or None))
