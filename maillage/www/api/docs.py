"""The API's documentation page: rendered on the server from the OpenAPI
schema (no script, so it is served under the CSP without unsafe-inline)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

from maillage.api.enums import Scope

METHODS = ("get", "post", "put", "patch", "delete")


def _operations(schema: dict) -> list[dict]:
    out = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            out.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "tag": (op.get("tags") or [""])[0],
                    "parameters": [
                        {"name": p["name"], "where": p["in"], "description": p.get("description", "")}
                        for p in op.get("parameters", [])
                    ],
                    "needs_token": bool(op.get("security")) and {} not in op.get("security", []),
                }
            )
    return sorted(out, key=lambda o: (o["tag"], o["path"], o["method"]))


@login_not_required
def api_docs(request):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = _operations(schema)
    tags = []
    for op in operations:
        if not tags or tags[-1]["name"] != op["tag"]:
            tags.append({"name": op["tag"], "operations": []})
        tags[-1]["operations"].append(op)
    return render(
        request,
        "api/docs.html",
        {"info": schema.get("info", {}), "tags": tags, "scopes": Scope.choices},
    )
