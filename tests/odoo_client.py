"""A plain web client for the top-level suites: one HTTP session per login,
talking to the server the way the web client and any JSON-RPC script do."""

import requests


class RpcError(Exception):
    """The server answered a JSON-RPC call with an error."""

    def __init__(self, error):
        data = error.get("data") or {}
        self.name = data.get("name", "")
        self.message = data.get("message") or error.get("message", "")
        super().__init__(f"{self.name}: {self.message}")


class OdooClient:
    def __init__(self, base, db):
        self.base = base
        self.db = db
        self.http = requests.Session()
        self.uid = None
        self._id = 0

    def _post(self, path, params):
        self._id += 1
        response = self.http.post(
            f"{self.base}{path}",
            json={"jsonrpc": "2.0", "method": "call", "params": params, "id": self._id},
            timeout=120,
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise RpcError(body["error"])
        # Odoo leaves "result" out of the answer when the method returned None.
        return body.get("result")

    def login(self, login, password):
        result = self._post(
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": password},
        )
        self.uid = result["uid"]
        assert self.uid, f"login {login} refused"
        return self

    def call(self, model, method, *args, context=None, **kwargs):
        """``/web/dataset/call_kw`` as the web client sends it; ``context`` is
        whatever the caller chooses to send."""
        if context is not None:
            kwargs["context"] = context
        return self._post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def get(self, url, **kwargs):
        """GET a URL with this session's cookie (a download, a report)."""
        return self.http.get(
            url if url.startswith("http") else f"{self.base}{url}", timeout=300, **kwargs
        )
