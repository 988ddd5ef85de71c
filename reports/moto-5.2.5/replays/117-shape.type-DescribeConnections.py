"""dxconform reproduction as a pytest test: the minimal sequence (5 steps) found on
moto 5.2.5 (seed 2026, round 60),
with what AWS answers where the target deviated:
  step 9: shape.type on DescribeConnections at $.connections[0].connectionName (HTTP 200)
    AWS: string (ConnectionName)
    target: integer 12345

Start the target (`moto_server -p 5000  # moto 5.2.5`), then:
    DXCONFORM_ENDPOINT=http://127.0.0.1:5000 pytest --import-mode=importlib THIS_FILE
Needs boto3 and pytest. Environment: DXCONFORM_ENDPOINT, DXCONFORM_REGION, DXCONFORM_OWNER_ACCOUNT,
DXCONFORM_PARTNER_ACCOUNT, DXCONFORM_ACCOUNT_HEADER (header that selects the account; empty: the
access key id does), DXCONFORM_RESET_PATH (POSTed before the test; empty: no reset).
"""

DEFAULT_ENDPOINT = "http://127.0.0.1:5000"
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNTS = {"owner": "111111111111", "partner": "222222222222"}
DEFAULT_ACCOUNT_HEADER = "x-moto-account-id"
DEFAULT_RESET_PATH = "/moto-api/reset"
PROTOCOL_CONTENT_TYPE = "application/x-amz-json-1.1"
SIGNING_NAME = "directconnect"

# ---- dxconform reproduction support (the same in every generated file) ----
import json
import os
import re
import urllib.request

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from botocore import xform_name

# `send_raw`'s signature argument for a request signed with SigV4, as valid ones are.
SIGV4 = object()


class Answer:
    """One answer of the target: the HTTP status, headers and body as received,
    the body as JSON when it is JSON, and the error type it names."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body
        try:
            self.json = json.loads(body.decode("utf-8")) if body else None
        except (ValueError, UnicodeDecodeError):
            self.json = None
        self.sdk_error = None
        self.error_type = None
        if status >= 300:
            kind = self.headers.get("x-amzn-errortype", "")
            if isinstance(self.json, dict):
                kind = self.json.get("__type") or self.json.get("code") or kind
            self.error_type = kind.split(":")[0].split("#")[-1] or None

    def id(self, member, occurrence=1):
        """The occurrence-th distinct value of `member` in this answer, at any depth:
        an id the target generated, which later steps send back."""
        values = []
        _member_values(self.json, member, values)
        distinct = list(dict.fromkeys(v for v in values if isinstance(v, str)))
        if len(distinct) < occurrence:
            # The target refused the step (as AWS refuses what it should never have
            # accepted) or left the id out: later steps name a resource that does
            # not exist, and the target must answer that as AWS does.
            return f"{member}-not-given-by-the-target"
        return distinct[occurrence - 1]

    def text(self):
        return self.body.decode("utf-8", "replace")


def _member_values(value, member, out):
    if isinstance(value, dict):
        for name, item in value.items():
            if name == member and not isinstance(item, (dict, list)):
                out.append(item)
            else:
                _member_values(item, member, out)
    elif isinstance(value, list):
        for item in value:
            _member_values(item, member, out)


def values_at(document, path):
    """The values at a finding's path (`$.a.b[*].c`, `$.a[0]`); absent members yield nothing."""
    current = [document]
    for part in re.findall(r"\.([A-Za-z0-9_]+)|\[(\*|\d+)\]", path[1:]):
        name, index = part
        following = []
        for value in current:
            if name:
                if isinstance(value, dict) and name in value:
                    following.append(value[name])
            elif isinstance(value, list):
                following.extend(value if index == "*" else value[int(index) : int(index) + 1])
        current = following
    return current


class Target:
    """The target under test, acting as each principal's account. Each call is sent
    once (no retries, no client-side validation), as dxconform sent it."""

    def __init__(self, endpoint, region, accounts, account_header):
        self.endpoint = endpoint.rstrip("/")
        self.region = region
        self.accounts = accounts
        self.account_header = account_header
        self.answers = []

    def _credentials(self, principal):
        # Emulators take the account from the access key id (the reference target)
        # or from a header (moto); neither checks the secret.
        return Credentials(self.accounts[principal], "dxconform")

    def _extra_headers(self, principal):
        if self.account_header:
            return {self.account_header: self.accounts[principal]}
        return {}

    def client(self, principal):
        credentials = self._credentials(principal)
        client = boto3.client(
            "directconnect",
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id=credentials.access_key,
            aws_secret_access_key=credentials.secret_key,
            config=Config(
                parameter_validation=False,
                retries={"total_max_attempts": 1, "mode": "standard"},
            ),
        )
        headers = self._extra_headers(principal)

        def add_headers(request, **_):
            for name, value in headers.items():
                request.headers[name] = value

        client.meta.events.register("before-sign.directconnect", add_headers)
        return client

    def call(self, principal, operation, params):
        """Call `operation` with boto3, keeping the raw answer as it came."""
        seen = {}

        def keep(response_dict, **_):
            seen["answer"] = Answer(
                response_dict["status_code"],
                dict(response_dict["headers"]),
                response_dict["body"] or b"",
            )

        client = self.client(principal)
        client.meta.events.register("before-parse.directconnect", keep)
        method = getattr(client, xform_name(operation))
        sdk_error = None
        try:
            method(**params)
        except ClientError:
            pass
        except Exception as error:  # the SDK could not parse the answer
            sdk_error = f"{type(error).__name__}: {error}"
        if "answer" not in seen:
            pytest.fail(f"{operation}: no answer from {self.endpoint} ({sdk_error})")
        answer = seen["answer"]
        answer.sdk_error = sdk_error
        self.answers.append(answer)
        return answer

    def send_raw(self, principal, operation, body, headers, signature):
        """Send a request boto3 cannot send (broken framing) with the protocol `headers`
        dxconform sent, signed with SigV4 (`SIGV4`), unsigned (None) or with this
        `Authorization` header."""
        headers = dict(headers)
        headers.update(self._extra_headers(principal))
        request = AWSRequest(method="POST", url=self.endpoint + "/", data=body, headers=headers)
        if signature is SIGV4:
            SigV4Auth(self._credentials(principal), SIGNING_NAME, self.region).add_auth(request)
        elif signature is not None:
            request.headers["Authorization"] = signature
        prepared = request.prepare()
        raw = urllib.request.Request(
            prepared.url, data=prepared.body, headers=dict(prepared.headers), method="POST"
        )
        try:
            with urllib.request.urlopen(raw, timeout=60) as response:
                answer = Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, dict(error.headers), error.read())
        self.answers.append(answer)
        return answer


def deviation(answer, finding, earlier):
    """What AWS would answer, held against `answer`: None when the answer is what
    AWS answers in this respect, else the deviation in words. `finding` is what
    dxconform saw; `earlier` are the answers of the steps before."""
    check, path, expected = finding["check"], finding["path"], finding["expected"]
    where = f"{check} on {finding['operation']} at {path}"
    saw = f"AWS answers {expected}; the target answered HTTP {answer.status}: {answer.text()[:300]}"
    rejected = re.match(r"rejected with ([A-Za-z|]+)", expected)
    if rejected:
        if 400 <= answer.status < 500 and answer.error_type in rejected.group(1).split("|"):
            return None
        return f"{where}: {saw}"
    if expected == "success":
        return None if 200 <= answer.status < 300 else f"{where}: {saw}"
    if check == "sdk.parse":
        # What an SDK needs to parse an answer: JSON of the declared member types
        # (the strictly typed SDKs fail where boto3 is lenient) and, for an error,
        # a type the operation declares.
        problems = []
        if answer.sdk_error is not None:
            problems.append(f"boto3 failed on the answer: {answer.sdk_error}")
        declared = finding.get("errors") or []
        if answer.status >= 300 and declared and answer.error_type not in declared:
            problems.append(
                f"the error {answer.error_type} is none the operation declares ({', '.join(declared)})"
            )
        for member_path, wanted in finding.get("types") or []:
            kind = re.match(r"(string|number|integer|boolean|list|object|structure|map|timestamp)", wanted)
            found = values_at(answer.json, member_path) if isinstance(answer.json, dict) else []
            if kind and not all(_json_type_matches(v, kind.group(1), wanted) for v in found):
                problems.append(f"{member_path} is not {wanted}: {found!r}")
        return f"{where}: AWS answers {expected}; " + "; ".join(problems) if problems else None
    if check in ("wire.protocol", "wire.status", "op.implemented") or path == "$":
        return _wire_deviation(answer, finding, where, saw)
    if path == "$.__type":
        expected_types = re.findall(r"[A-Za-z]+", expected.split(" (")[0].removeprefix("one of "))
        if answer.status >= 400 and answer.error_type in expected_types:
            return None
        return f"{where}: {saw}"
    if not isinstance(answer.json, dict):
        return f"{where}: the answer is not a JSON object: {saw}"
    values = values_at(answer.json, path)
    shown = f"{where}: AWS answers {expected}; the target answered {values!r}"
    pattern = re.match(r"matches (.*)$", expected)
    if pattern:
        return None if all(isinstance(v, str) and re.search(pattern.group(1), v) for v in values) else shown
    length = re.match(r"length within \[(\d+), (\d+)\]", expected)
    if length:
        low, high = int(length.group(1)), int(length.group(2))
        return None if all(low <= len(v) <= high for v in values) else shown
    member = re.match(r"member (\w+)$", expected)
    if member:
        # Required in every object that stands where the member belongs.
        parents = values_at(answer.json, path.rsplit(".", 1)[0])
        if all(isinstance(p, dict) and member.group(1) in p for p in parents):
            return None
        return f"{where}: AWS answers {expected}; the target left it out"
    state = re.match(r"state (?:after this call|reachable from the last observation): (.*)$", expected)
    if state:
        allowed = re.split(r"\s*(?:\||,| or )\s*", state.group(1))
        return None if values and all(v in allowed for v in values) else shown
    if expected == "an empty list":
        return None if not values else shown
    if expected == "an id not returned before in this case":
        before = []
        member = path.rsplit(".", 1)[-1]
        for previous in earlier:
            _member_values(previous.json, member, before)
        return None if values and not set(values) & set(before) else shown
    kind = re.match(r"(string|number|integer|boolean|list|object|structure|map|timestamp)", expected)
    if kind:
        return None if all(_json_type_matches(v, kind.group(1), expected) for v in values) else shown
    try:
        wanted = json.loads(expected)
    except ValueError:
        wanted = None
    else:
        if wanted is None:
            return None if all(v is None for v in values) else shown
        return None if wanted in values else shown
    pytest.fail(f"{where}: no rule reads the expectation {expected!r}; see the report")


def _json_type_matches(value, kind, expected):
    if "epoch seconds" in expected or kind == "timestamp":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return {
        "string": isinstance(value, str),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "list": isinstance(value, list),
        "object": isinstance(value, dict),
        "structure": isinstance(value, dict),
        "map": isinstance(value, dict),
    }[kind]


def _wire_deviation(answer, finding, where, saw):
    """An answer in the awsJson protocol: a JSON object with the protocol's content
    type, an error type on errors, never a 5xx for what AWS refuses with a 4xx, and
    for an implemented operation an answer that is not a uniform non-answer."""
    problems = []
    content_type = answer.headers.get("content-type", "")
    if answer.body and not content_type.startswith(PROTOCOL_CONTENT_TYPE):
        problems.append(f"content-type {content_type or 'absent'}")
    if answer.body and not isinstance(answer.json, dict):
        problems.append("a body that is not a JSON object")
    if answer.status >= 300 and not answer.error_type:
        problems.append("an error without an error type")
    unknown = answer.status in (404, 501) or (answer.error_type or "").startswith("UnknownOperation")
    if finding["check"] == "op.implemented" and unknown:
        problems.append(f"operation unknown (HTTP {answer.status})")
    if finding["check"] == "wire.status":
        status = re.search(r"HTTP (\d{3})", finding["expected"])
        if status and answer.status != int(status.group(1)):
            problems.append(f"HTTP {answer.status}")
    if finding["check"] == "op.implemented" and 200 <= answer.status < 300:
        members = finding.get("output_members") or []
        if members and not (isinstance(answer.json, dict) and set(answer.json) & set(members)):
            problems.append("a success that names none of the output's members")
    if answer.status >= 500 and finding["status"] >= 500:
        problems.append(f"HTTP {answer.status}")
    return f"{where}: {', '.join(problems)}; {saw}" if problems else None


def check(target, step_answers, findings):
    """Hold every step that dxconform saw deviate against what AWS answers; fail
    with every deviation still there."""
    deviations = []
    for finding in findings:
        answer = step_answers[finding["step"]]
        earlier = [a for s, a in step_answers.items() if s < finding["step"]]
        found = deviation(answer, finding, earlier)
        if found:
            deviations.append(found)
    if deviations:
        pytest.fail("the target deviates from AWS:\n" + "\n".join(deviations), pytrace=False)


@pytest.fixture
def target():
    endpoint = os.environ.get("DXCONFORM_ENDPOINT", DEFAULT_ENDPOINT)
    reset = os.environ.get("DXCONFORM_RESET_PATH", DEFAULT_RESET_PATH)
    if reset:
        # Start from an empty target, as every dxconform case does (DXCONFORM_RESET_PATH= skips it).
        urllib.request.urlopen(
            urllib.request.Request(endpoint.rstrip("/") + reset, data=b"", method="POST"), timeout=30
        ).close()
    accounts = {
        principal: os.environ.get(f"DXCONFORM_{principal.upper()}_ACCOUNT", account)
        for principal, account in DEFAULT_ACCOUNTS.items()
    }
    return Target(
        endpoint,
        os.environ.get("DXCONFORM_REGION", DEFAULT_REGION),
        accounts,
        os.environ.get("DXCONFORM_ACCOUNT_HEADER", DEFAULT_ACCOUNT_HEADER),
    )


# ---- the sequence ----
def test_117_shape_type_DescribeConnections(target):
    answers = {}
    # step 1 as owner
    answers[0] = target.call("owner", "CreateConnection", {"bandwidth": "1Gbps", "connectionName": "dx-gamma", "location": "EqDC2"})
    CONNECTION_1 = answers[0].id("connectionId", 1)
    # step 2 as owner
    answers[1] = target.send_raw("owner", "UpdateConnection", json.dumps({"connectionId": CONNECTION_1, "connectionName": 12345}).encode(), {"content-type": "application/x-amz-json-1.1", "x-amz-target": "OvertureService.UpdateConnection"}, SIGV4)
    # step 3 as partner
    answers[2] = target.call("partner", "CreateInterconnect", {"bandwidth": "1Gbps", "interconnectName": "dx-alpha", "location": "CSVA1"})
    # step 9 as owner
    answers[8] = target.call("owner", "DescribeConnections", {})
    # step 10 as owner
    answers[9] = target.call("owner", "DescribeConnections", {})
    findings = [
        {"step": 8, "check": "shape.type", "operation": "DescribeConnections", "path": "$.connections[0].connectionName", "status": 200, "expected": "string (ConnectionName)", "output_members": ["connections", "nextToken"]},
    ]
    check(target, answers, findings)
