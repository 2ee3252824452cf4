#!/bin/sh
# compose.yaml's PostgreSQL runs this once, on an empty data directory (docker-entrypoint-initdb.d):
# the database's owner, `shuzhi`, which no one logs in as, and one login role per service with a
# password of its own (compose.env.sh writes them). Each service's role is a member of the owner
# and acts as it (`set role`), so that every table belongs to the owner whichever service's
# migration made it: credentials are already per service (revocable one by one, named in
# pg_stat_activity's usename), privileges not yet. The change that lets each role append to its
# own streams only replaces this membership with its grants. Not `set -u`: the image may source
# this file into its entry point rather than run it.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v gateway="$SHUZHI_GATEWAY_DB_PASSWORD" \
  -v governance="$SHUZHI_GOVERNANCE_DB_PASSWORD" \
  -v population="$SHUZHI_POPULATION_DB_PASSWORD" \
  -v enterprise="$SHUZHI_ENTERPRISE_DB_PASSWORD" \
  -v subsidy="$SHUZHI_SUBSIDY_DB_PASSWORD" \
  -v audit="$SHUZHI_AUDIT_DB_PASSWORD" <<'SQL'
create role shuzhi nologin;
alter database shuzhi owner to shuzhi;
create role shuzhi_gateway login password :'gateway' in role shuzhi;
alter role shuzhi_gateway set role shuzhi;
create role shuzhi_governance login password :'governance' in role shuzhi;
alter role shuzhi_governance set role shuzhi;
create role shuzhi_population login password :'population' in role shuzhi;
alter role shuzhi_population set role shuzhi;
create role shuzhi_enterprise login password :'enterprise' in role shuzhi;
alter role shuzhi_enterprise set role shuzhi;
create role shuzhi_subsidy login password :'subsidy' in role shuzhi;
alter role shuzhi_subsidy set role shuzhi;
create role shuzhi_audit login password :'audit' in role shuzhi;
alter role shuzhi_audit set role shuzhi;
SQL
