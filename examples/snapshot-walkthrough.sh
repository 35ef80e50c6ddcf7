#!/usr/bin/env bash
# A snapshot from start to publish, with curl, against a running scratchd (scripts/run.sh):
# upload a CSV, make it a source, download it into a snapshot, edit, let an "agent" suggest, accept, look at
# the dry-run plan, publish, and read the new file version the CSV connector wrote.
#   examples/snapshot-walkthrough.sh [base_url]
set -euo pipefail
base=${1:-http://localhost:3010}
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
wait_job() {
  local id=$1 state
  for _ in $(seq 1 300); do
    state=$(curl -sf "$base/api/v1/jobs/$id" -H "$auth" | json "['state']")
    case $state in succeeded|failed|cancelled) break ;; esac
    sleep 0.2
  done
  curl -sf "$base/api/v1/jobs/$id" -H "$auth" | json "['result']"
}

email="walk-$RANDOM$RANDOM@example.com"
access=$(curl -sf -X POST "$base/api/v1/auth/signup" -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"a long passphrase\"}" | json "['access_token']")
auth="authorization: Bearer $access"

echo "== upload a CSV and make it a source"
csv=$'sku,title,price\nA1,Blue mug,12.5\nA2,Red mug,13\nA3,Green mug,9.75\n'
upload=$(curl -sf -X POST "$base/api/v1/uploads" -H "$auth" -H 'content-type: application/json' \
  -d '{"filename":"products.csv"}' | json "['id']")
curl -sf -X PUT "$base/api/v1/uploads/$upload/chunks/0" -H "$auth" -H 'content-type: application/octet-stream' \
  --data-binary "$csv" -o /dev/null
account=$(curl -sf -X POST "$base/api/v1/connector-accounts" -H "$auth" -H 'content-type: application/json' \
  -d "{\"connector\":\"csv\",\"display_name\":\"Products\",\"upload_id\":\"$upload\",\"config\":{\"id_column\":\"sku\"}}" |
  json "['id']")

echo "== a snapshot with that table, downloaded"
snapshot=$(curl -sf -X POST "$base/api/v1/snapshots" -H "$auth" -H 'content-type: application/json' \
  -d '{"name":"Catalogue"}' | json "['id']")
table=$(curl -sf -X POST "$base/api/v1/snapshots/$snapshot/tables" -H "$auth" -H 'content-type: application/json' \
  -d "{\"account_id\":\"$account\",\"table\":\"rows\"}" | json "['id']")
job=$(curl -sf -X POST "$base/api/v1/snapshots/$snapshot/download" -H "$auth" | json "['job']['id']")
wait_job "$job"
records="$base/api/v1/snapshots/$snapshot/tables/$table/records"
curl -sf "$records?sort=price:desc&fields=title,price" -H "$auth" | python3 -m json.tool | head -30

echo "== edit a price by hand"
first=$(curl -sf "$records?filter=%7B%22field%22%3A%22sku%22%2C%22op%22%3A%22eq%22%2C%22value%22%3A%22A1%22%7D" \
  -H "$auth" | json "['items'][0]['id']")
curl -sf -X PATCH "$records/$first" -H "$auth" -H 'content-type: application/json' \
  -d '{"values":{"price":11}}' | json "['edits']"

echo "== an agent (with a token for this snapshot only) suggests a new title; the owner accepts"
agent=$(curl -sf -X POST "$base/api/v1/snapshots/$snapshot/agent-tokens" -H "$auth" \
  -H 'content-type: application/json' -d '{"name":"copywriter","expires_in_hours":1}' | json "['token']")
curl -sf -X POST "$base/api/v1/snapshots/$snapshot/suggestions" -H "authorization: Bearer $agent" \
  -H 'content-type: application/json' \
  -d "{\"table_id\":\"$table\",\"updates\":[{\"record_id\":\"$first\",\"values\":{\"title\":\"Ocean blue mug\"}}]}"
echo
curl -s -X PATCH "$records/$first" -H "authorization: Bearer $agent" -H 'content-type: application/json' \
  -d '{"values":{"price":1}}' | json "['code']"   # agents cannot edit: agent_token_forbidden
curl -sf -X POST "$base/api/v1/snapshots/$snapshot/suggestions/accept" -H "$auth" -H 'content-type: application/json' \
  -d '{"all":true}'
echo

echo "== the dry run, then publish"
curl -sf "$base/api/v1/snapshots/$snapshot/publish/plan" -H "$auth" | python3 -m json.tool
job=$(curl -sf -X POST "$base/api/v1/snapshots/$snapshot/publish" -H "$auth" | json "['job']['id']")
wait_job "$job"

echo "== the CSV connector wrote a new version of the file"
curl -sf "$base/api/v1/connector-accounts/$account/files" -H "$auth"; echo
curl -sf "$base/api/v1/connector-accounts/$account/files/v000002.csv" -H "$auth"
