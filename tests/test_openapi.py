"""The server's OpenAPI check itself: it must reject what GitHub's description rejects."""


def test_version_is_known(openapi):
    assert openapi.version() not in ("", "?")


def test_accepts_a_valid_topics_exchange(openapi):
    assert openapi.check_request("PUT", "/repos/o/r/topics", {}, b'{"names": ["cli"]}', "application/json") == []
    assert openapi.check_response("PUT", "/repos/o/r/topics", 200, {"names": ["cli"]}, "application/json") == []


def test_rejects_bad_requests(openapi):
    assert openapi.check_request("PUT", "/repos/o/r/topics", {}, b'{"names": [1]}', "application/json")
    assert openapi.check_request("PUT", "/repos/o/r/topics", {}, b"", None)
    assert openapi.check_request("GET", "/repos/o/r/readme", {"colour": ["red"]}, b"", None)
    assert openapi.check_request("POST", "/repos/o/r/readme", {}, b"", None)
    assert openapi.check_request("GET", "/repos/o/r/no-such-thing", {}, b"", None)


def test_rejects_bad_responses(openapi):
    repository = openapi.example("full-repository-default-response")
    # GitHub's own example omits the required "language": the check is strict enough to see it.
    assert any("'language' is a required property" in problem
               for problem in openapi.check_response("GET", "/repos/o/r", 200, repository, "application/json"))
    assert openapi.check_response("GET", "/repos/o/r/topics", 200, {"names": "cli"}, "application/json")
    assert openapi.check_response("GET", "/repos/o/r/topics", 418, {}, "application/json")
    assert openapi.check_response("PUT", "/repos/o/r/topics", 422, {"message": "x"}, "application/json")


def test_nullable_fields_accept_null(openapi):
    content = openapi.example("content-file")
    content["download_url"] = None
    assert openapi.check_response("GET", "/repos/o/r/readme", 200, content, "application/json") == []
