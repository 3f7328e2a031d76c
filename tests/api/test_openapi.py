"""The OpenAPI document matches what the server really answers."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import api_login
from tests.factories import new_key, passing_answers, submission_form


def validator_for(document: dict, schema: str) -> Draft202012Validator:
    return Draft202012Validator({**document, "$ref": f"#/components/schemas/{schema}"})


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def test_login_checklist_and_submission_answers_match_their_schemas(client, staff, document):
    login = client.post("/api/v1/login", json={"username": staff.username, "password": "correct-horse-9"}).get_json()
    headers = api_login(client, staff.username)
    checklist = client.get("/api/v1/checklist?shift=opening", headers=headers).get_json()
    answers = passing_answers()
    answers["stack_count"] = {"stacks": [{"thickness": "thin", "count": 7}]}
    del answers["focal_point"]
    created = client.post(
        "/api/v1/submissions",
        data=submission_form(answers),
        headers={**headers, "Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    ).get_json()

    for body, schema in ((login, "Login"), (checklist, "Checklist"), (created, "Submission")):
        errors = sorted(validator_for(document, schema).iter_errors(body), key=str)
        assert errors == [], (schema, [error.message for error in errors])


def test_error_answers_match_the_error_schema(client, staff, document):
    headers = api_login(client, staff.username)
    bad = client.get("/api/v1/checklist?shift=noon", headers=headers).get_json()

    assert list(validator_for(document, "Error").iter_errors(bad)) == []


def test_every_route_of_the_api_is_documented(app, document):
    documented = {re.sub(r"\{[^}]+\}", "{}", path) for path in document["paths"]}
    served = {
        re.sub(r"<[^>]+>", "{}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi"
    }

    assert served == documented
