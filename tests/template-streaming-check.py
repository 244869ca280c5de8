"""Checks what cfn-lint cannot: that template.yaml, once SAM transforms it, deploys the streaming design.

Run by tests/template-check.sh with the .venv's Python (aws-sam-translator comes with cfn-lint). Checks:
  - the REST API is Regional and its route streams: responseTransferMode STREAM, the response-streaming
    invocation URI of the router's "live" alias (SnapStart serves published versions only), a 15-minute timeout;
  - the router runs behind the Lambda Web Adapter in response_stream mode, ready on /health, with the SnapStart
    hooks LocalServer serves, and a config location (never the demo);
  - SnapStart priming is allowed what it calls: the DynamoDB calls of TableProbe.java (GetItem) on the tables it
    probes (TOLLGATE_KEYS_TABLE, else TOLLGATE_STATE_TABLE), GetSecretValue on TOLLGATE_PROVIDER_SECRET;
  - every metric the dashboard and the alarms read in namespace Tollgate is one the code emits (EmfMetrics.java)
    or one reserved for code still to come (listed below, with who emits it).
Exits 1 with the list of problems.
"""
import json
import os
import re
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Metrics the dashboard/alarms may name that EmfMetrics does not emit: name -> who emits it. Dimensions of what
# EmfMetrics emits are checked by shared/src/test/.../metrics/TemplateMetricsTest.java.
RESERVED = {
    "ReconciliationDriftPct": "the reconciler (functions/reconciler DriftMetrics, per provider, %)",
}

problems = []


def check(condition, message):
    if not condition:
        problems.append(message)


class NoManagedPolicies:
    def load(self):
        return {}


os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
with open(os.path.join(ROOT, "template.yaml")) as f:
    template = yaml_parse(f.read())
for name, resource in template["Resources"].items():  # as sam deploy does: code uploaded to S3
    if resource.get("Type") == "AWS::Serverless::Function":
        resource["Properties"]["CodeUri"] = "s3://bucket/" + name + ".zip"
out = transform(template, {}, NoManagedPolicies())
resources = out["Resources"]

apis = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::RestApi"]
check(len(apis) == 1, "expected one REST API, found %d" % len(apis))
api = apis[0]["Properties"]
check(api.get("EndpointConfiguration", {}).get("Types") == ["REGIONAL"],
      "the REST API must be REGIONAL (edge-optimized cuts idle streams after 30 s): %s" % api.get("EndpointConfiguration"))
for path, methods in api["Body"]["paths"].items():
    for method, operation in methods.items():
        integration = operation.get("x-amazon-apigateway-integration", {})
        where = "%s %s" % (method, path)
        check(integration.get("type") == "aws_proxy", where + ": not a Lambda proxy integration")
        check(integration.get("responseTransferMode") == "STREAM", where + ": responseTransferMode is not STREAM")
        uri = json.dumps(integration.get("uri"))
        check("/2021-11-15/functions/" in uri and uri.endswith('/response-streaming-invocations"}'),
              where + ": not the response-streaming invocation URI: " + uri)
        check("RouterFunctionAliaslive" in uri, where + ": does not invoke the live alias: " + uri)
        check(integration.get("timeoutInMillis") == 900000, where + ": timeout is not 15 minutes")

function = resources["RouterFunction"]["Properties"]
env = function["Environment"]["Variables"]
expected_env = {
    "AWS_LAMBDA_EXEC_WRAPPER": "/opt/bootstrap",
    "AWS_LWA_INVOKE_MODE": "response_stream",
    "AWS_LWA_READINESS_CHECK_PATH": "/health",
    "AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH": "/lwa/snapstart/before",
    "AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH": "/lwa/snapstart/after",
}
for name, value in expected_env.items():
    check(env.get(name) == value, "router env %s should be %s, is %s" % (name, value, env.get(name)))
check(env.get("AWS_LWA_PORT") == env.get("PORT"), "AWS_LWA_PORT and PORT (read by LocalServer) differ")
check("TOLLGATE_CONFIG" in env, "router env has no TOLLGATE_CONFIG: it would refuse to start")
check("TOLLGATE_ALLOW_DEMO" not in env, "the deployed router must not run the demo config")
check(function["Handler"] == "run.sh", "the adapter runs the handler as a command: run.sh")
check(function.get("SnapStart", {}).get("ApplyOn") == "PublishedVersions", "SnapStart is off")
check(function.get("Architectures") == ["arm64"], "not arm64")



def allowed(statements, resource):
    """The actions the router's own policy allows on one resource (a Ref or GetAtt of the raw template)."""
    actions = set()
    for statement in statements:
        if statement.get("Effect") == "Allow" and statement.get("Resource") == resource:
            actions.update(statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
    return actions


raw_router = template["Resources"]["RouterFunction"]["Properties"]
statements = [s for policy in raw_router["Policies"] if isinstance(policy, dict) for s in policy.get("Statement", [])]
raw_env = raw_router["Environment"]["Variables"]
with open(os.path.join(ROOT, "shared/src/main/java/dev/tollgate/store/TableProbe.java")) as f:
    probe_calls = set(re.findall(r"dynamo\.get\(\)\.(\w+)\(", f.read()))
check(probe_calls == {"getItem"}, "TableProbe.java makes other calls than GetItem: %s (update this check and IAM)"
      % sorted(probe_calls))
for variable in ("TOLLGATE_KEYS_TABLE", "TOLLGATE_STATE_TABLE"):
    ref = raw_env.get(variable)
    table = ref.get("Ref") if isinstance(ref, dict) else None
    check(table is not None, "router env %s is not a table of the stack: %s" % (variable, ref))
    if table:
        granted = allowed(statements, {"Fn::GetAtt": [table, "Arn"]})
        for call in sorted(probe_calls):
            action = "dynamodb:" + call[0].upper() + call[1:]
            check(action in granted, "priming calls %s on %s (%s), which the router's policy does not allow: %s"
                  % (action, table, variable, sorted(granted)))
secret = raw_env.get("TOLLGATE_PROVIDER_SECRET")
check("secretsmanager:GetSecretValue" in allowed(statements, secret),
      "priming reads TOLLGATE_PROVIDER_SECRET, which the router's policy does not allow")

with open(os.path.join(ROOT, "shared/src/main/java/dev/tollgate/metrics/EmfMetrics.java")) as f:
    emitted = set(re.findall(r'metric\(line, definitions, "(\w+)"', f.read())) | {"CostUsd"}
check({"Requests", "Errors5xx", "LatencyMs"} <= emitted, "could not read the emitted metric names: %s" % emitted)
known = emitted | set(RESERVED)

raw = template["Resources"]
body = raw["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"][0]
filled = re.sub(r"\$\{[^}]+\}", "1", body)  # every ${...} substitution is a name or a number
try:
    dashboard = json.loads(filled)
except ValueError as e:
    problems.append("the dashboard body is not valid JSON: %s" % e)
    dashboard = {"widgets": []}
used = set()
for widget in dashboard["widgets"]:
    for row in widget.get("properties", {}).get("metrics", []):
        if row and row[0] == "Tollgate":
            used.add(row[1])
        elif row and isinstance(row[0], dict):
            used.update(re.findall(r'\{Tollgate[^}]*\} MetricName="(\w+)"', row[0].get("expression", "")))
for name, resource in raw.items():
    if resource["Type"] != "AWS::CloudWatch::Alarm":
        continue
    props = resource["Properties"]
    if props.get("Namespace") == "Tollgate":
        used.add(props["MetricName"])
    for query in props.get("Metrics", []):
        metric = query.get("MetricStat", {}).get("Metric", {})
        if metric.get("Namespace") == "Tollgate":
            used.add(metric["MetricName"])
check(used, "no Tollgate metric found on the dashboard or the alarms")
for name in sorted(used - known):
    problems.append("the dashboard or an alarm reads Tollgate/%s, which nothing emits or reserves" % name)

if problems:
    print("template-streaming-check: FAILED", file=sys.stderr)
    for problem in problems:
        print("  - " + problem, file=sys.stderr)
    sys.exit(1)
print("template-streaming-check: OK (streaming route, Web Adapter env, %d dashboard/alarm metrics: %s)"
      % (len(used), ", ".join(sorted(used))), file=sys.stderr)
