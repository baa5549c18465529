"""工会入会申请: the list by state (and CSV), approve or reject with the reason the rider will read, the applicant's
contact in full on request (audited)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from console import csv_export
from console.access import allowed, me
from nuanxin.console.accounts import Role
from nuanxin.union import review
from nuanxin.union.applications import STATE_NAMES, Decision, decide

pages = Blueprint("union", __name__, url_prefix="/union")


class DecisionForm(FlaskForm):
    decision = StringField(validators=[DataRequired(), Length(max=16)])
    reason = TextAreaField(validators=[Length(max=300)])


class ActionForm(FlaskForm):
    pass


def _status() -> str | None:
    status = request.args.get("status", "pending")
    return status if status in STATE_NAMES else None


@pages.route("/")
@allowed(Role.REVIEWER)
def listing() -> Any:
    return render_template("union.html", rows=review.listing(_status()), status=_status(), states=STATE_NAMES,
                           form=DecisionForm(), action_form=ActionForm(), contact=None,
                           done=request.args.get("done"), problem=request.args.get("problem"))


@pages.route("/export.csv")
@allowed(Role.REVIEWER)
def export() -> Any:
    return csv_export.response("union_applications.csv",
                               ["申请编号", "提交时间", "工会小组", "姓名", "手机", "身份证", "职业", "平台", "街道",
                                "状态", "原因", "审核人"],
                               [(r.reference, r.submitted.strftime("%Y-%m-%d %H:%M"), r.group, r.name, r.phone,
                                 r.id_number, r.occupation, r.platform, r.street, r.status_name, r.reason,
                                 r.decided_by) for r in review.listing(_status())])


@pages.route("/<reference>/decide", methods=["POST"])
@allowed(Role.REVIEWER)
def decide_application(reference: str) -> Any:
    form = DecisionForm()
    if not form.validate_on_submit() or form.decision.data not in (Decision.APPROVED.value, Decision.REJECTED.value):
        abort(400)
    decision, reason = Decision(form.decision.data), (form.reason.data or "").strip()
    if decision is Decision.REJECTED and not reason:
        return redirect(url_for("union.listing", problem="reason"))  # the rider must read why
    if not decide(reference, decision, me().username, reason or None):
        return redirect(url_for("union.listing", problem="decided"))
    return redirect(url_for("union.listing", done=f"{reference} {STATE_NAMES[decision.value]}"))


@pages.route("/<reference>/contact", methods=["POST"])
@allowed(Role.REVIEWER)
def contact(reference: str) -> Any:
    if not ActionForm().validate_on_submit():
        abort(400)
    shown = review.contact(reference, me().username)
    if shown is None:
        abort(404)
    return render_template("union.html", rows=review.listing(_status()), status=_status(), states=STATE_NAMES,
                           form=DecisionForm(), action_form=ActionForm(), contact=(reference, *shown), done=None,
                           problem=None)
