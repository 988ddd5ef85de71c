#!/usr/bin/env bash
# dxconform reproduction with the aws CLI: one call per step of a minimal sequence (5 steps).
# Found on moto 5.2.5 (seed 2026, round 111). It shows:
#   model.echo on DescribeConnections at $.connections[*].tags (HTTP 200)
#     expected: []
#     actual:   [k0=v, k1=v, k10=v, k11=v, k12=v, k13=v, k14=v, k15=v, k16=v, k17=v, k18=v, k19=v, k2=v, k20=v, k21=v, k22=v, k23=v, k24=v, k25=v, k26=v, k27=v, k28=v, k29=v, k3=v, k30=v, k31=v, k32=v, k33=v, k34=v, k35=v, k36=v, k37=v, k38=v, k39=v, k4=v, k40=v, k41=v, k42=v, k43=v, k44=v, k45=v, k46=v, k47=v, k48=v, k49=v, k5=v, k50=v, k6=v, k7=v, k8=v, k9=v]
# Also: `dxconform replay replays/041-model.echo-DescribeConnections.json --target moto`; the exact wire requests and answers: replays/041-model.echo-DescribeConnections.curl.txt
#
# Usage: start the target (`moto_server -p 5000  # moto 5.2.5`), then
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
read -r PARTNER_KEY PARTNER_SECRET PARTNER_TOKEN <<<"$(credentials_for 222222222222)"
[ -n "$PARTNER_KEY" ] || echo "warning: no credentials for account 222222222222 (is $ENDPOINT a moto server?)" >&2
as_partner() { AWS_ACCESS_KEY_ID="$PARTNER_KEY" AWS_SECRET_ACCESS_KEY="$PARTNER_SECRET" AWS_SESSION_TOKEN="$PARTNER_TOKEN" "$AWS" --endpoint-url "$ENDPOINT" --output json "$@"; }

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

# #0 owner CreateLag; dxconform saw HTTP 200 success
#    finding wire.protocol at $: expected content-type application/x-amz-json-1.1, got content-type text/html; charset=utf-8
#    finding shape.type at $.connections[0].hasLogicalRedundancy: expected string (HasLogicalRedundancy), got boolean false
#    finding shape.type at $.connections[0].loaIssueTime: expected number (epoch seconds) (LoaIssueTime), got string "2026-12-06 20:55:45"
#    finding shape.type at $.hasLogicalRedundancy: expected string (HasLogicalRedundancy), got boolean false
#    finding shape.pattern at $.connections[0].connectionId: expected matches ^dx(con|lag)-[a-z0-9]{6,}$, got "arn:aws:directconnect:us-east-1:111111111111:dx-con/dx-moto-Requested Connection 1 for Lag arn:aws:directconnect:us-east-1:111111111111:dxlag/dxlag-moto-dx-gamma-20261206205545-20261206205545"
#    finding shape.pattern at $.connections[0].lagId: expected matches ^dxlag-[a-z0-9]{6,}$, got "arn:aws:directconnect:us-east-1:111111111111:dxlag/dxlag-moto-dx-gamma-20261206205545"
#    finding shape.pattern at $.lagId: expected matches ^dxlag-[a-z0-9]{6,}$, got "arn:aws:directconnect:us-east-1:111111111111:dxlag/dxlag-moto-dx-gamma-20261206205545"
#    finding sdk.parse at $: expected the SDK parses the answer, got unhandled error: failed to parse JSON: expected ValueString or ValueNull
#    finding error.accepted-invalid at $.childConnectionTags: expected rejected with TooManyTagsException|DirectConnectClientException (rule tags.count:childConnectionTags: a resource has at most 50 tags), got accepted (HTTP 200)
step '#0 owner CreateLag' as_owner directconnect create-lag --cli-input-json '{"childConnectionTags":[{"key":"k0","value":"v"},{"key":"k1","value":"v"},{"key":"k2","value":"v"},{"key":"k3","value":"v"},{"key":"k4","value":"v"},{"key":"k5","value":"v"},{"key":"k6","value":"v"},{"key":"k7","value":"v"},{"key":"k8","value":"v"},{"key":"k9","value":"v"},{"key":"k10","value":"v"},{"key":"k11","value":"v"},{"key":"k12","value":"v"},{"key":"k13","value":"v"},{"key":"k14","value":"v"},{"key":"k15","value":"v"},{"key":"k16","value":"v"},{"key":"k17","value":"v"},{"key":"k18","value":"v"},{"key":"k19","value":"v"},{"key":"k20","value":"v"},{"key":"k21","value":"v"},{"key":"k22","value":"v"},{"key":"k23","value":"v"},{"key":"k24","value":"v"},{"key":"k25","value":"v"},{"key":"k26","value":"v"},{"key":"k27","value":"v"},{"key":"k28","value":"v"},{"key":"k29","value":"v"},{"key":"k30","value":"v"},{"key":"k31","value":"v"},{"key":"k32","value":"v"},{"key":"k33","value":"v"},{"key":"k34","value":"v"},{"key":"k35","value":"v"},{"key":"k36","value":"v"},{"key":"k37","value":"v"},{"key":"k38","value":"v"},{"key":"k39","value":"v"},{"key":"k40","value":"v"},{"key":"k41","value":"v"},{"key":"k42","value":"v"},{"key":"k43","value":"v"},{"key":"k44","value":"v"},{"key":"k45","value":"v"},{"key":"k46","value":"v"},{"key":"k47","value":"v"},{"key":"k48","value":"v"},{"key":"k49","value":"v"},{"key":"k50","value":"v"}],"connectionsBandwidth":"1Gbps","lagName":"dx-gamma","location":"EqDC2","numberOfConnections":1}'
CONNECTION_1=$(id_of connectionId 1)  # dxconform's run got arn:aws:directconnect:us-east-1:111111111111:dx-con/dx-moto-Requested Connection 1 for Lag arn:aws:directconnect:us-east-1:111111111111:dxlag/dxlag-moto-dx-gamma-20261206205545-20261206205545

# #1 partner CreateInterconnect; dxconform saw HTTP 500 not-implemented
#    finding op.implemented at $: expected CreateInterconnect implemented, got HTTP 500 with an HTML body: <!doctype html>
step '#1 partner CreateInterconnect' as_partner directconnect create-interconnect --cli-input-json '{"bandwidth":"1Gbps","interconnectName":"yoaepifjntqaoqxeouashtwigdrcvcpidmewuzidekirzmbkdthkqbcariwygekzmmnphymbhmeulrkkzxkltdvxklaeiihoeces","location":"EqDC2"}'

# #2 partner AllocateHostedConnection: skipped by dxconform (its resource did not exist in this case)

# #3 partner DescribeInterconnects: skipped by dxconform (its resource did not exist in this case)

# #4 partner DescribeInterconnects: skipped by dxconform (its resource did not exist in this case)

# #5 partner DescribeInterconnects: skipped by dxconform (its resource did not exist in this case)

# #6 owner DescribeConnections; dxconform saw HTTP 200 success
#    finding wire.protocol at $: expected content-type application/x-amz-json-1.1, got content-type text/html; charset=utf-8
#    finding shape.type at $.connections[0].hasLogicalRedundancy: expected string (HasLogicalRedundancy), got boolean false
#    finding shape.type at $.connections[0].loaIssueTime: expected number (epoch seconds) (LoaIssueTime), got string "2026-12-06 20:55:45"
#    finding shape.required at $.connections[0].ownerAccount: expected member ownerAccount, got absent
#    finding shape.pattern at $.connections[0].connectionId: expected matches ^dx(con|lag)-[a-z0-9]{6,}$, got "arn:aws:directconnect:us-east-1:111111111111:dx-con/dx-moto-Requested Connection 1 for Lag arn:aws:directconnect:us-east-1:111111111111:dxlag/dxlag-moto-dx-gamma-20261206205545-20261206205545"
#    finding shape.pattern at $.connections[0].lagId: expected matches ^dxlag-[a-z0-9]{6,}$, got "arn:aws:directconnect:us-east-1:111111111111:dxlag/dxlag-moto-dx-gamma-20261206205545"
#    finding sdk.parse at $: expected the SDK parses the answer, got unhandled error: failed to parse JSON: expected ValueString or ValueNull
#    finding model.echo at $.connections[0].tags: expected [], got [k0=v, k1=v, k10=v, k11=v, k12=v, k13=v, k14=v, k15=v, k16=v, k17=v, k18=v, k19=v, k2=v, k20=v, k21=v, k22=v, k23=v, k24=v, k25=v, k26=v, k27=v, k28=v, k29=v, k3=v, k30=v, k31=v, k32=v, k33=v, k34=v, k35=v, k36=v, k37=v, k38=v, k39=v, k4=v, k40=v, k41=v, k42=v, k43=v, k44=v, k45=v, k46=v, k47=v, k48=v, k49=v, k5=v, k50=v, k6=v, k7=v, k8=v, k9=v]   <- reproduced here
step '#6 owner DescribeConnections' as_owner directconnect describe-connections --cli-input-json '{"connectionId":"'"$CONNECTION_1"'"}'

# #7 owner DescribeConnections; dxconform saw HTTP 200 success
#    finding wire.protocol at $: expected content-type application/x-amz-json-1.1, got content-type text/html; charset=utf-8
#    finding shape.type at $.connections[0].hasLogicalRedundancy: expected string (HasLogicalRedundancy), got boolean false
#    finding shape.type at $.connections[0].loaIssueTime: expected number (epoch seconds) (LoaIssueTime), got string "2026-12-06 20:55:45"
#    finding shape.required at $.connections[0].ownerAccount: expected member ownerAccount, got absent
#    finding shape.pattern at $.connections[0].connectionId: expected matches ^dx(con|lag)-[a-z0-9]{6,}$, got "arn:aws:directconnect:us-east-1:111111111111:dx-con/dx-moto-Requested Connection 1 for Lag arn:aws:directconnect:us-east-1:111111111111:dxlag/dxlag-moto-dx-gamma-20261206205545-20261206205545"
#    finding shape.pattern at $.connections[0].lagId: expected matches ^dxlag-[a-z0-9]{6,}$, got "arn:aws:directconnect:us-east-1:111111111111:dxlag/dxlag-moto-dx-gamma-20261206205545"
#    finding sdk.parse at $: expected the SDK parses the answer, got unhandled error: failed to parse JSON: expected ValueString or ValueNull
#    finding model.echo at $.connections[0].tags: expected [], got [k0=v, k1=v, k10=v, k11=v, k12=v, k13=v, k14=v, k15=v, k16=v, k17=v, k18=v, k19=v, k2=v, k20=v, k21=v, k22=v, k23=v, k24=v, k25=v, k26=v, k27=v, k28=v, k29=v, k3=v, k30=v, k31=v, k32=v, k33=v, k34=v, k35=v, k36=v, k37=v, k38=v, k39=v, k4=v, k40=v, k41=v, k42=v, k43=v, k44=v, k45=v, k46=v, k47=v, k48=v, k49=v, k5=v, k50=v, k6=v, k7=v, k8=v, k9=v]   <- reproduced here
step '#7 owner DescribeConnections' as_owner directconnect describe-connections --cli-input-json '{"connectionId":"'"$CONNECTION_1"'"}'

# #8 partner DescribeInterconnects; dxconform saw HTTP 500 not-implemented
#    finding op.implemented at $: expected DescribeInterconnects implemented, got HTTP 500 with an HTML body: <!doctype html>
step '#8 partner DescribeInterconnects' as_partner directconnect describe-interconnects --cli-input-json '{}'
