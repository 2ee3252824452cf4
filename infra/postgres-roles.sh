#!/bin/sh
# compose.yaml's PostgreSQL runs this once, on an empty data directory (docker-entrypoint-initdb.d):
# the database's owner, `shuzhi`, which no one logs in as, and one login role per service with a
# password of its own (compose.env.sh writes them), a member of no role: it acts as itself, never
# as the owner. What each may do is granted by the platform's preparation step, run before the
# services start (and after every deploy) as POSTGRES_USER, the superuser (compose.yaml's
# prepare-database service, which every app waits for):
#   node dist/scripts/prepare-database.js      (DATABASE_URL: postgres://postgres:$POSTGRES_PASSWORD@postgres:5432/shuzhi)
# which applies the migrations, then gives each role its own schema (its read models), reading
# and appending to the event log (its own streams only: the database refuses an append to
# another's, see libs/database/src/service-roles.ts), the checkpoints of its own read models, and
# no UPDATE or DELETE of any event. Not `set -u`: the image may source this file into its entry
# point rather than run it.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v gateway="$SHUZHI_GATEWAY_DB_PASSWORD" \
  -v governance="$SHUZHI_GOVERNANCE_DB_PASSWORD" \
  -v population="$SHUZHI_POPULATION_DB_PASSWORD" \
  -v enterprise="$SHUZHI_ENTERPRISE_DB_PASSWORD" \
  -v subsidy="$SHUZHI_SUBSIDY_DB_PASSWORD" \
  -v audit="$SHUZHI_AUDIT_DB_PASSWORD" <<'SQL'
create role shuzhi nologin;
alter database shuzhi owner to shuzhi;
create role shuzhi_gateway login password :'gateway';
create role shuzhi_governance login password :'governance';
create role shuzhi_population login password :'population';
create role shuzhi_enterprise login password :'enterprise';
create role shuzhi_subsidy login password :'subsidy';
create role shuzhi_audit login password :'audit';
SQL
