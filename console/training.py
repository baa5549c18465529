"""技能培训: every run with its seats and waitlist, each run's roster (masked, in arrival order, and CSV) and
attendance marked at the run."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired

from console import csv_export
from console.access import allowed, me
from nuanxin.console.accounts import Role
from nuanxin.training import rosters

pages = Blueprint("training", __name__, url_prefix="/training")


class AttendanceForm(FlaskForm):
    place = IntegerField(validators=[DataRequired()])
    attended = StringField(validators=[DataRequired()])


@pages.route("/")
@allowed(Role.REVIEWER)
def runs() -> Any:
    return render_template("training_runs.html", runs=rosters.runs())


@pages.route("/<run_id>")
@allowed(Role.REVIEWER)
def roster(run_id: str) -> Any:
    run, places = _roster(run_id)
    return render_template("training_roster.html", run=run, places=places, form=AttendanceForm())


@pages.route("/<run_id>/roster.csv")
@allowed(Role.REVIEWER)
def export(run_id: str) -> Any:
    _, places = _roster(run_id)
    return csv_export.response(f"roster_{run_id}.csv", ["顺序", "姓名", "手机", "状态", "到场"],
                               [(p.arrival, p.name, p.phone, p.state,
                                 {True: "到场", False: "缺席", None: ""}[p.attended]) for p in places])


def _roster(run_id: str) -> tuple[rosters.RunRow, list[rosters.RosterPlace]]:
    run, places = rosters.roster(run_id)
    if run is None:
        abort(404)
    return run, places


@pages.route("/<run_id>/attendance", methods=["POST"])
@allowed(Role.REVIEWER)
def attendance(run_id: str) -> Any:
    form = AttendanceForm()
    if not form.validate_on_submit() or form.attended.data not in ("yes", "no"):
        abort(400)
    try:
        rosters.mark_attendance(run_id, form.place.data, form.attended.data == "yes", me().username)
    except rosters.UnknownPlace:
        abort(404)
    return redirect(url_for("training.roster", run_id=run_id))
