"""转人工: the queue of riders waiting for a person, one conversation taken over, replies, hand-back."""
from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from console.access import allowed, me
from nuanxin.console.accounts import Role
from nuanxin.handoff import takeover
from nuanxin.messaging.rasa_api import RasaUnavailable

pages = Blueprint("handoff", __name__, url_prefix="/handoff")


class ActionForm(FlaskForm):
    pass


class ReplyForm(FlaskForm):
    text = TextAreaField(validators=[DataRequired(), Length(max=takeover.REPLY_CHARS)])
    nonce = HiddenField(validators=[DataRequired(), Length(max=64)])


@pages.route("/")
@allowed(Role.AGENT)
def queue() -> Any:
    return render_template("handoff_queue.html", waiting=takeover.queue(), form=ActionForm(),
                           problem=request.args.get("problem"))


@pages.route("/<int:ticket_id>")
@allowed(Role.AGENT)
def conversation(ticket_id: int) -> Any:
    return _conversation_page(ticket_id, None, request.args.get("problem"), request.args.get("sent"))


def _conversation_page(ticket_id: int, phone: str | None, problem: str | None, sent: str | None) -> Any:
    try:
        shown = takeover.conversation(ticket_id)
    except takeover.NotAvailable:
        abort(404)
    form = ReplyForm(formdata=None, nonce=uuid.uuid4().hex)  # a fresh nonce per page: one reply per form
    return render_template("handoff_conversation.html", shown=shown, form=form, action_form=ActionForm(),
                           mine=shown.ticket.assigned_to == me().username, phone=phone, problem=problem, sent=sent)


def _act(ticket_id: int, change: Any, back_to_queue: bool = False) -> Any:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        change()
    except takeover.NotAvailable:
        return redirect(url_for("handoff.queue", problem="taken"))
    except RasaUnavailable:
        return redirect(url_for("handoff.conversation", ticket_id=ticket_id, problem="rasa"))
    return redirect(url_for("handoff.queue") if back_to_queue else
                    url_for("handoff.conversation", ticket_id=ticket_id))


@pages.route("/<int:ticket_id>/take", methods=["POST"])
@allowed(Role.AGENT)
def take(ticket_id: int) -> Any:
    return _act(ticket_id, lambda: takeover.take(ticket_id, me()))


@pages.route("/<int:ticket_id>/return", methods=["POST"])
@allowed(Role.AGENT)
def hand_back(ticket_id: int) -> Any:
    return _act(ticket_id, lambda: takeover.finish(ticket_id, me(), takeover.Outcome.RETURNED), back_to_queue=True)


@pages.route("/<int:ticket_id>/close", methods=["POST"])
@allowed(Role.AGENT)
def close(ticket_id: int) -> Any:
    return _act(ticket_id, lambda: takeover.finish(ticket_id, me(), takeover.Outcome.CLOSED), back_to_queue=True)


@pages.route("/<int:ticket_id>/reply", methods=["POST"])
@allowed(Role.AGENT)
def reply(ticket_id: int) -> Any:
    form = ReplyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        sent = takeover.reply(ticket_id, me(), form.text.data, form.nonce.data)
    except takeover.NotAvailable:
        return redirect(url_for("handoff.queue", problem="taken"))
    return redirect(url_for("handoff.conversation", ticket_id=ticket_id, sent="1" if sent else "again"))


@pages.route("/<int:ticket_id>/phone", methods=["POST"])
@allowed(Role.AGENT)
def phone(ticket_id: int) -> Any:
    """The full call-back number (audited)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        phone = takeover.callback_phone(ticket_id, me())
    except takeover.NotAvailable:
        abort(404)
    return _conversation_page(ticket_id, phone, None, None)
