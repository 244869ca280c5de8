#!/usr/bin/env bash
# Lint the AWS SAM template (template.yaml) with cfn-lint from the repo's .venv/, then check that the transformed
# template deploys the streaming design (tests/template-streaming-check.py, with the SAM translator that comes
# with cfn-lint). Creates .venv/ and installs cfn-lint into it if missing. Exits nonzero on lint errors or a
# failed design check. Warnings (W*) and informational (I*) findings are printed but do not fail the check.
set -euo pipefail

CFN_LINT_VERSION="${CFN_LINT_VERSION:-1.58.0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
TEMPLATE="${1:-$ROOT/template.yaml}"

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "template-check: creating Python virtualenv in .venv/" >&2
  python3 -m venv "$VENV"
fi
if [[ ! -x "$VENV/bin/cfn-lint" ]]; then
  echo "template-check: installing cfn-lint==$CFN_LINT_VERSION into .venv/" >&2
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION"
fi

# cfn-lint exit code is a bit mask: 2 = error, 4 = warning, 8 = informational, 1 = crash.
rc=0
"$VENV/bin/cfn-lint" "$TEMPLATE" || rc=$?
if (( rc & 3 )); then
  echo "template-check: FAILED: cfn-lint reported errors in ${TEMPLATE#"$ROOT"/} (exit $rc)" >&2
  exit 1
fi
if (( rc != 0 )); then
  echo "template-check: cfn-lint OK with warnings (exit $rc)" >&2
else
  echo "template-check: cfn-lint OK (${TEMPLATE#"$ROOT"/})" >&2
fi
if [[ "$TEMPLATE" == "$ROOT/template.yaml" ]]; then
  "$VENV/bin/python" "$ROOT/tests/template-streaming-check.py" || {
    echo "template-check: FAILED: template.yaml does not deploy the streaming design (above)" >&2
    exit 1
  }
fi
