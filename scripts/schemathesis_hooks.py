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
