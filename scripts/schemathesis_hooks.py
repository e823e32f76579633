"""Schemathesis hooks for scripts/schemathesis: a real Weavr user token.

Weavr's user operations need `Authorization: Bearer <token>` from `login_with_password`, so the
provider logs in once and again whenever an answer is 401 (the `logout` operation ends the
session it is given). Enfuce uses HTTP basic from the command line and needs nothing here.
"""

import os

import requests
import schemathesis

API = os.environ.get("PAYSDK_SIM_API", "")

if API == "weavr":
    BASE = os.environ["PAYSDK_SIM_WEAVR_URL"]
    API_KEY = os.environ["PAYSDK_SIM_WEAVR_API_KEY"]
    EMAIL = os.environ["PAYSDK_SIM_WEAVR_EMAIL"]
    PASSWORD = os.environ["PAYSDK_SIM_WEAVR_PASSWORD"]

    @schemathesis.auth(retry_on=[401])
    class WeavrUserToken:
        """The api-key of the application and the token of the simulator's first user."""

        def get(self, case, context):
            response = requests.post(
                f"{BASE}/v1/login_with_password",
                headers={"api-key": API_KEY},
                json={"email": EMAIL, "password": {"value": PASSWORD}},
                timeout=10,
            )
            response.raise_for_status()
            return response.json()["token"]

        def set(self, case, data, context):
            case.headers = case.headers or {}
            case.headers["api-key"] = API_KEY
            case.headers["Authorization"] = f"Bearer {data}"


# Valid input that the provider still refuses because of the state it is in, as each spec
# documents it: Enfuce answers state conflicts (a taken customer number, a customer of the
# other role) with 400 and errorType DYNAMIC_VALIDATION_ERROR, where a malformed request is
# STATIC_VALIDATION_ERROR; Weavr answers an idempotency-ref reused with another payload with
# 422. Schemathesis's positive_data_acceptance cannot tell these from a valid request
# rejected, so the script runs this check in its place: the same statuses accepted, plus
# exactly these answers.
ACCEPTED = {401, 403, 404, 409, 429}


def _state_refusal(case, response):
    if API == "enfuce" and response.status_code == 400:
        try:
            return response.json().get("errorType") == "DYNAMIC_VALIDATION_ERROR"
        except ValueError:
            return False
    if API == "weavr" and response.status_code == 422:
        headers = {k.lower(): v for k, v in (case.headers or {}).items()}
        return bool(headers.get("idempotency-ref"))
    return False


@schemathesis.check
def positive_data_acceptance_with_state(ctx, response, case):
    from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or is_unexpected_http_status_case(case):
        return None
    status = response.status_code
    if 200 <= status < 400 or status >= 500 or status in ACCEPTED or _state_refusal(case, response):
        return None
    raise AssertionError(
        f"Valid data should have been accepted: {status} {response.text[:300]}"
    )
