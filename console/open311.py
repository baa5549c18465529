"""Open311 GeoReport v2 (JSON) for other city systems: services are the report categories, requests the reports.
Calls about requests carry an api_key (nuanxin.report.open311); errors are the spec's list of code and
description."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from nuanxin.report import open311
from nuanxin.report.open311 import NewRequest, Open311Error

api = Blueprint("open311", __name__, url_prefix="/open311/v2")


@api.errorhandler(Open311Error)
def _error(error: Open311Error) -> Any:
    return jsonify([{"code": error.code, "description": error.description}]), error.code


def _system() -> str:
    return open311.system_of(request.values.get("api_key"))


@api.route("/services.json")
def services() -> Any:
    return jsonify(open311.services())


@api.route("/services/<code>.json")
def service(code: str) -> Any:
    return jsonify(open311.service_definition(code))


@api.route("/requests.json", methods=["GET"])
def find() -> Any:
    _system()
    args = request.args
    return jsonify(open311.find_requests(args.get("service_request_id"), args.get("service_code"),
                                         args.get("start_date"), args.get("end_date"), args.get("status")))


@api.route("/requests.json", methods=["POST"])
def file() -> Any:
    system = _system()
    form = request.form
    return jsonify(open311.file_request(system, NewRequest(
        form.get("service_code"), form.get("description"), form.get("lat"), form.get("long"),
        form.get("address_string"), form.get("media_url")))), 201


@api.route("/requests/<ticket>.json")
def one(ticket: str) -> Any:
    _system()
    return jsonify(open311.one_request(ticket))
