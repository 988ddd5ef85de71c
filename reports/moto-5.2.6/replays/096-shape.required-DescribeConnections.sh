#!/usr/bin/env bash
# dxconform reproduction with the aws CLI: one call per step of a minimal sequence (2 steps).
# Found on moto 5.2.6 (seed 2026, round 86). It shows:
#   shape.required on DescribeConnections at $.connections[*].connectionName (HTTP 200)
#     expected: member connectionName
#     actual:   absent
# Also: `dxconform replay replays/096-shape.required-DescribeConnections.json --target moto`; the exact wire requests and answers: replays/096-shape.required-DescribeConnections.curl.txt
#
# Usage: start the target (`moto_server -p 5000  # moto 5.2.6`), then
#   ENDPOINT=http://127.0.0.1:5000 bash THIS_SCRIPT
# Each step prints the target's answer; the comment above it says what dxconform saw. The aws CLI
# parses answers before printing them: raw-byte deviations (content type, JSON types) show in the curl transcript.
set -u

ENDPOINT="${ENDPOINT:-http://127.0.0.1:5000}"
ENDPOINT="${ENDPOINT%/}"
AWS="${AWS:-aws}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_PAGER=""
# One request per step, sent as dxconform sent it: no retries, no client-side validation.
AWS_CONFIG_FILE="$(mktemp)"
export AWS_CONFIG_FILE
trap 'rm -f "$AWS_CONFIG_FILE"' EXIT
printf '[default]\nmax_attempts = 1\nretry_mode = legacy\nparameter_validation = false\n' >"$AWS_CONFIG_FILE"
unset AWS_PROFILE AWS_SESSION_TOKEN
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-testing}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-testing}"

# Start from an empty target, as every dxconform case does (RESET=0 skips this).
if [ "${RESET:-1}" = 1 ]; then
  curl -fsS -X POST "$ENDPOINT/moto-api/reset" >/dev/null || echo "warning: could not reset the target" >&2
fi

# moto takes the caller's account from its credentials: assume a role in each principal's account.
credentials_for() {
  "$AWS" --endpoint-url "$ENDPOINT" sts assume-role --role-arn "arn:aws:iam::$1:role/dxconform" \
    --role-session-name dxconform --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text
}
read -r OWNER_KEY OWNER_SECRET OWNER_TOKEN <<<"$(credentials_for 111111111111)"
[ -n "$OWNER_KEY" ] || echo "warning: no credentials for account 111111111111 (is $ENDPOINT a moto server?)" >&2
as_owner() { AWS_ACCESS_KEY_ID="$OWNER_KEY" AWS_SECRET_ACCESS_KEY="$OWNER_SECRET" AWS_SESSION_TOKEN="$OWNER_TOKEN" "$AWS" --endpoint-url "$ENDPOINT" --output json "$@"; }

# step LABEL COMMAND…: one call of the sequence; prints the HTTP status (read from the aws CLI's --debug
# log: the CLI parses answers and would hide an error answered with HTTP 200) and the target's answer, or
# the CLI's error. A step sent with curl prints curl -i's answer.
step() {
  printf '\n--- %s\n' "$1"; shift
  if [ "$1" = curl ]; then ANSWER=$("$@" 2>&1) || echo "(curl exited $?)"; printf '%s\n' "$ANSWER"; return; fi
  local log status=0; log=$(mktemp)
  ANSWER=$("$@" --debug 2>"$log") || status=$?
  printf '(HTTP %s)\n' "$(sed -n 's/.*"POST [^"]*" \([0-9][0-9]*\) .*/\1/p' "$log" | tail -n 1)"
  if [ "$status" != 0 ]; then echo "(rejected: the aws CLI exited $status)"; ANSWER=$(grep -v '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] ' "$log" | grep -v '^[[:space:]]*$' | tail -n 3); fi
  rm -f "$log"
  printf '%s\n' "${ANSWER:-(accepted: an empty answer)}"
}
# id_of MEMBER N: the N-th distinct value of "MEMBER" in the last answer (an id the target generated).
id_of() { printf '%s\n' "$ANSWER" | sed -n 's/^ *"'"$1"'": "\([^"]*\)".*/\1/p' | awk '!seen[$0]++' | sed -n "${2:-1}p"; }

# #0 owner CreateConnection; dxconform saw HTTP 200 success
#    finding shape.pattern at $.connectionId: expected matches ^dx(con|lag)-[a-z0-9]{6,}$, got "arn:aws:directconnect:us-east-1:111111111111:dx-con/dx-moto-None-20261206205326"
#    finding error.accepted-invalid at $.connectionName: expected rejected with DirectConnectClientException (rule required:connectionName: connectionName is required (CreateConnectionRequest)), got accepted (HTTP 200)
step '#0 owner CreateConnection' as_owner directconnect create-connection --cli-input-json '{"bandwidth":"10Gbps","location":"EqDC2"}'

# #1 owner DescribeConnections; dxconform saw HTTP 200 success
#    finding shape.required at $.connections[0].connectionName: expected member connectionName, got absent   <- reproduced here
#    finding shape.required at $.connections[0].ownerAccount: expected member ownerAccount, got absent
#    finding shape.pattern at $.connections[0].connectionId: expected matches ^dx(con|lag)-[a-z0-9]{6,}$, got "arn:aws:directconnect:us-east-1:111111111111:dx-con/dx-moto-None-20261206205326"
step '#1 owner DescribeConnections' as_owner directconnect describe-connections --cli-input-json '{}'
