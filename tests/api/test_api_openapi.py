"""The OpenAPI schema says what the API answers (issue 15, finding 6)."""

from __future__ import annotations

import pytest

from accord.config.api import api
from accord.core.api_common import ERROR_RESPONSES

OPENAPI = api.get_openapi_schema()
OPERATIONS = [(path, method, operation) for path, methods in OPENAPI["paths"].items()
              for method, operation in methods.items()]


def _ref(path: str, method: str, status: int = 200, media: str = "application/json") -> str:
    return OPENAPI["paths"][path][method]["responses"][status]["content"][media]["schema"]["$ref"].rsplit("/", 1)[1]


def test_every_operation_documents_every_refusal_with_the_error_body():
    for path, method, operation in OPERATIONS:
        for status in ERROR_RESPONSES:
            content = operation["responses"][status]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)


def test_two_apps_classes_of_one_name_are_two_components():
    """risks' and incidents' SettingsOut were merged into one component, so one of them was described
    with the other's fields."""
    risks, incidents = _ref("/api/v1/risks/settings", "get"), _ref("/api/v1/incidents/settings", "get")
    assert risks != incidents
    components = OPENAPI["components"]["schemas"]
    assert "default_years" in components[risks]["properties"]
    assert "default_years" not in components[incidents]["properties"]


@pytest.mark.parametrize(("path", "media"), [
    ("/api/v1/risks/export", "application/yaml"),
    ("/api/v1/reviews/projects/export", "text/csv"),
    ("/api/v1/vulns/findings/export", "text/csv"),
    ("/api/v1/reports/{pack_id}/pdf", "application/pdf"),
    ("/api/v1/incidents/{incident_id}/briefing.pdf", "application/pdf"),
])
def test_downloads_declare_their_media_type(path, media):
    assert media in OPENAPI["paths"][path]["get"]["responses"][200]["content"]


def test_times_of_day_are_described_as_they_are_sent():
    """JSON Schema's "time" format needs an offset; "09:00:00" is what the API sends and takes."""
    text = str(OPENAPI)
    assert "'format': 'time'" not in text
