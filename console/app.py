"""The console's Flask application. Security comes from libraries: Flask-Login keeps who is signed in (in a signed
session cookie that expires), Flask-WTF checks a CSRF token on every form, argon2-cffi checks passwords (through
nuanxin.console.accounts). Each page says which roles may open it; anyone else gets 403."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, Response, abort, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from console import handoff, open311, reports, training, union
from console.access import allowed, me
from nuanxin import settings
from nuanxin.numbering import CHINA_TIME
from nuanxin.messaging import rasa_api
from nuanxin.console import accounts
from nuanxin.console import consult as consultation
from nuanxin.console import dashboard as figures
from nuanxin.console import questions
from nuanxin.console.accounts import Role

SESSION_HOURS = 8  # one shift


class User(UserMixin):
    def __init__(self, staff: accounts.Staff) -> None:
        self.staff = staff
        self.id = str(staff.id)


class LoginForm(FlaskForm):
    username = StringField(validators=[DataRequired(), Length(max=64)])
    password = PasswordField(validators=[DataRequired(), Length(max=256)])


class LogoutForm(FlaskForm):
    pass


class ResolveForm(FlaskForm):
    question = HiddenField(validators=[DataRequired(), Length(max=500)])
    unit_id = StringField(validators=[DataRequired(), Length(max=32)])


class DraftForm(FlaskForm):
    question = HiddenField(validators=[DataRequired(), Length(max=500)])
    title = StringField(validators=[DataRequired(), Length(max=200)])
    answer = TextAreaField(validators=[DataRequired(), Length(max=4000)])


class ConsultForm(FlaskForm):
    question = StringField(validators=[DataRequired(), Length(max=500)])


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings.shared_secret("console"), SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
                      WTF_CSRF_TIME_LIMIT=SESSION_HOURS * 3600)
    csrf = CSRFProtect(app)
    app.json.ensure_ascii = False
    for blueprint in (handoff.pages, reports.pages, union.pages, training.pages):
        app.register_blueprint(blueprint)
    app.register_blueprint(open311.api)
    csrf.exempt(open311.api)  # other systems, not browsers: each call carries its api_key
    logins = LoginManager(app)
    logins.login_view = "login"
    logins.login_message = None

    @logins.user_loader
    def load(user_id: str) -> User | None:
        staff = accounts.get(int(user_id))
        return User(staff) if staff else None

    @app.context_processor
    def common() -> dict[str, Any]:
        return {"logout_form": LogoutForm(), "Role": Role, "china": CHINA_TIME}

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        form, problem = LoginForm(), None
        if form.validate_on_submit():
            try:
                staff = accounts.authenticate(form.username.data, form.password.data)
            except accounts.Refused as refused:
                problem = "locked" if refused.locked else "wrong"
            else:
                session.clear()  # a fresh session at sign-in: nothing carried over from before
                session.permanent = True
                login_user(User(staff))
                return redirect(url_for("home"))
        return render_template("login.html", form=form, problem=problem), (401 if problem else 200)

    @app.route("/logout", methods=["POST"])
    @login_required
    def logout() -> Any:
        if LogoutForm().validate_on_submit():
            logout_user()
            session.clear()
        return redirect(url_for("login"))

    @app.route("/")
    @login_required
    def home() -> Any:
        return render_template("home.html")

    @app.route("/dashboard")
    @login_required
    def dashboard() -> Any:
        return render_template("dashboard.html", f=figures.figures())

    @app.route("/consult", methods=["GET", "POST"])
    @allowed(Role.AGENT, Role.REVIEWER)
    def consult() -> Any:
        form, found, understood = ConsultForm(), None, None
        if form.validate_on_submit():
            found = consultation.consult(form.question.data)
            understood = rasa_api.parse(form.question.data)
        return render_template("consult.html", form=form, found=found, understood=understood)

    @app.route("/questions")
    @allowed(Role.REVIEWER)
    def unanswered() -> Any:
        return render_template("questions.html", asked=questions.most_asked(), form=ResolveForm(),
                               draft_form=DraftForm(), done=request.args.get("done"),
                               unknown=request.args.get("unknown"))

    @app.route("/questions/resolve", methods=["POST"])
    @allowed(Role.REVIEWER)
    def resolve_question() -> Any:
        form = ResolveForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            closed = questions.resolve(form.question.data, form.unit_id.data.strip(),
                                       actor=me().username)
        except questions.UnknownUnit:
            return redirect(url_for("unanswered", unknown=form.unit_id.data.strip()))
        return redirect(url_for("unanswered", done=closed))

    @app.route("/questions/draft", methods=["POST"])
    @allowed(Role.REVIEWER)
    def draft_unit() -> Any:
        form = DraftForm()
        if not form.validate_on_submit():
            abort(400)
        closed = questions.draft(form.question.data, form.title.data.strip(), form.answer.data.strip(),
                                 actor=me().username)
        return redirect(url_for("unanswered", done=closed))

    @app.route("/questions/export.yml")
    @allowed(Role.REVIEWER)
    def export_questions() -> Any:
        return Response(questions.export_yaml(), mimetype="text/yaml",
                        headers={"Content-Disposition": "attachment; filename=policy_questions.yml"})

    @app.route("/admin/accounts")
    @allowed(Role.ADMIN)
    def staff_accounts() -> Any:
        return render_template("accounts.html", accounts=accounts.every())

    @app.after_request
    def no_caching_of_pages(response: Any) -> Any:
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    return app
