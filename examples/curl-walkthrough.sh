#!/usr/bin/env bash
# A walk through the API with curl: sign up, call /me, refresh, make an API token, use it, revoke it, log out.
# Start the server first (scripts/run.sh), then: examples/curl-walkthrough.sh [base-url]
set -euo pipefail
base=${1:-http://localhost:3010}
email="walkthrough-$RANDOM@example.com"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

echo "== sign up $email"
pair=$(curl -sf -X POST "$base/api/v1/auth/signup" -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"a long passphrase\"}")
access=$(json "['access_token']" <<<"$pair")
refresh=$(json "['refresh_token']" <<<"$pair")

echo "== who am I"
curl -sf "$base/api/v1/me" -H "authorization: Bearer $access"; echo

echo "== rotate the refresh token"
pair=$(curl -sf -X POST "$base/api/v1/auth/refresh" -H 'content-type: application/json' \
  -d "{\"refresh_token\":\"$refresh\"}")
access=$(json "['access_token']" <<<"$pair")

echo "== create an API token (the secret is shown only now)"
token=$(curl -sf -X POST "$base/api/v1/api-tokens" -H "authorization: Bearer $access" \
  -H 'content-type: application/json' -d '{"name":"walkthrough","expires_in_days":1}')
secret=$(json "['token']" <<<"$token")
id=$(json "['id']" <<<"$token")
curl -sf "$base/api/v1/me" -H "authorization: Bearer $secret"; echo

echo "== list tokens (no secrets), then revoke"
curl -sf "$base/api/v1/api-tokens" -H "authorization: Bearer $access"; echo
curl -sf -X DELETE "$base/api/v1/api-tokens/$id" -H "authorization: Bearer $access" -o /dev/null -w '%{http_code}\n'

echo "== a revoked token gets a problem+json 401"
curl -s "$base/api/v1/me" -H "authorization: Bearer $secret"; echo

echo "== log out"
curl -sf -X POST "$base/api/v1/auth/logout" -H "authorization: Bearer $access" -o /dev/null -w '%{http_code}\n'
