#!/bin/sh
# New keys and passwords for compose.yaml, into an env file that only you can read:
#   sh infra/compose-env.sh .data/compose.env
#   docker compose --env-file .data/compose.env -f infra/compose.yaml up --build
# Keep the file as long as the database: the keys sign what is stored (consent receipts, audit
# seals) and the passwords are the roles' (postgres-roles.sh). compose.yaml hands each service only
# the variables it needs from it; the file itself is read by docker compose, by no container.
set -eu
out=${1:?usage: sh infra/compose-env.sh <file>}
if [ -e "$out" ]; then
  echo "$out exists: it holds the keys your data was signed with; remove it first to start over" >&2
  exit 1
fi
umask 077
mkdir -p "$(dirname "$out")"

# PEM on one line with \n escapes, which compose reads back as newlines in a double-quoted value.
one_line() { awk 'BEGIN { ORS = "\\n" } { print }'; }
ed25519() { openssl genpkey -algorithm ed25519; }
# Hex: it goes into DATABASE_URL as it is, where base64's / and + would need escaping.
password() { openssl rand -hex 24; }

gateway_key=$(ed25519)
{
  printf 'SHUZHI_GATEWAY_PRIVATE_KEY="%s"\n' "$(printf '%s\n' "$gateway_key" | one_line)"
  printf 'SHUZHI_GATEWAY_PUBLIC_KEY="%s"\n' "$(printf '%s\n' "$gateway_key" | openssl pkey -pubout | one_line)"
  printf 'SHUZHI_FIELD_HASH_KEY=%s\n' "$(openssl rand -base64 32)"
  printf 'SHUZHI_RECEIPT_PRIVATE_KEY="%s"\n' "$(ed25519 | one_line)"
  printf 'SHUZHI_AUDIT_SEAL_PRIVATE_KEY="%s"\n' "$(ed25519 | one_line)"
  # The form generateApiKey gives: shz_<client id>_<32 random bytes, base64url>.
  printf 'SHUZHI_ADMIN_KEY=shz_platform-admin_%s\n' "$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=\n')"
  printf 'POSTGRES_PASSWORD=%s\n' "$(password)"
  for service in GATEWAY GOVERNANCE POPULATION ENTERPRISE SUBSIDY AUDIT; do
    printf 'SHUZHI_%s_DB_PASSWORD=%s\n' "$service" "$(password)"
  done
} > "$out"
echo "wrote $out; the platform key (SHUZHI_ADMIN_KEY) is in it"
