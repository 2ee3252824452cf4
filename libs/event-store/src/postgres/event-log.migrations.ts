import { LOCK_NAMESPACE, type Migration } from './migrations.js';

/**
 * The event log's schema, after Emmett's PostgreSQL layout. Global readers see only rows whose
 * transaction is older than every transaction still running (`pg_snapshot_xmin`), ordered by
 * `(transaction_id, global_position)`: a sequence value is taken at insert but becomes visible
 * at commit, so ordering by `global_position` alone would let a reader pass an event whose
 * transaction commits late, and never see it.
 */
export const EVENT_LOG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events and the append function',
    sql: `
create schema if not exists event_store;

create table event_store.events (
  global_position bigserial   not null,
  transaction_id  xid8        not null default pg_current_xact_id(),
  stream_id       text        not null,
  stream_version  bigint      not null,
  event_id        uuid        not null constraint events_event_id_unique unique,
  type            text        not null,
  data            jsonb       not null,
  metadata        jsonb       not null,
  -- Set by append_to_stream: milliseconds (as JavaScript reads them), never earlier than the
  -- stream's previous event, so "the stream as it was at time t" is always a prefix of it.
  recorded_at     timestamptz not null,
  unique (stream_id, stream_version),
  -- The global read order is the key: one index serves readers, and writers maintain no other.
  constraint events_global_order primary key (transaction_id, global_position)
);


-- One round trip per append. Returns the rows written or, when every event id was already
-- written to this stream, the original rows (an idempotent re-send writes nothing).
-- p_expected is 'any', 'no-stream' or the expected version as text.
-- The fast path probes the event ids only through the unique index the insert checks anyway;
-- the known-ids lookup runs only when the version does not match or an id is already taken.
create function event_store.append_to_stream(
  p_stream_id text, p_expected text, p_event_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[])
returns table (event_id uuid, stream_version bigint, global_position bigint, transaction_id text)
language plpgsql as $fn$
declare
  v_current  bigint;
  v_last_at  timestamptz;
  v_at       timestamptz;
  v_inserted integer;
begin
  -- Writers to one stream queue here instead of racing to the unique constraint.
  perform pg_advisory_xact_lock(${LOCK_NAMESPACE.stream}, hashtext(p_stream_id));
  -- The stream's head is its last event: one step down the (stream_id, stream_version) key,
  -- with no table of stream versions to update (and to bloat) on every append.
  select e.stream_version, e.recorded_at into v_current, v_last_at
  from event_store.events e where e.stream_id = p_stream_id order by e.stream_version desc limit 1;
  -- The clock now, not the transaction's start: a transaction that began earlier but took the
  -- stream's lock later must not record its events before the ones it follows.
  v_at := greatest(date_trunc('milliseconds', clock_timestamp()), v_last_at);

  if (p_expected = 'no-stream' and v_current is not null)
     or (p_expected not in ('any', 'no-stream') and v_current is distinct from p_expected::bigint) then
    -- A re-send of an append that landed meets a stream that has moved on: answer it as done.
    if (select count(*) from event_store.events e
        where e.event_id = any(p_event_ids) and e.stream_id = p_stream_id) = cardinality(p_event_ids) then
      return query
        select e.event_id, e.stream_version, e.global_position, e.transaction_id::text
        from event_store.events e where e.event_id = any(p_event_ids) order by e.stream_version;
      return;
    end if;
    raise exception 'stream % is at version %, expected %', p_stream_id, coalesce(v_current::text, 'no-stream'), p_expected
      using errcode = 'SZ409', detail = coalesce(v_current::text, 'no-stream');
  end if;
  v_current := coalesce(v_current, -1);

  return query
    insert into event_store.events as e (stream_id, stream_version, event_id, type, data, metadata, recorded_at)
    select p_stream_id, v_current + i.n, i.id, i.type, i.data, i.meta, v_at
    from unnest(p_event_ids, p_types, p_data, p_metadata) with ordinality as i(id, type, data, meta, n)
    order by i.n
    on conflict on constraint events_event_id_unique do nothing
    returning e.event_id, e.stream_version, e.global_position, e.transaction_id::text;
  get diagnostics v_inserted = row_count;

  if v_inserted = cardinality(p_event_ids) then
    return;
  end if;
  if v_inserted = 0 and (select count(*) from event_store.events e
      where e.event_id = any(p_event_ids) and e.stream_id = p_stream_id) = cardinality(p_event_ids) then
    return query
      select e.event_id, e.stream_version, e.global_position, e.transaction_id::text
      from event_store.events e where e.event_id = any(p_event_ids) order by e.stream_version;
    return;
  end if;
  -- Raising undoes this call's inserts: a batch is written whole or not at all.
  raise exception 'some of these event ids were already written (to this or another stream), others not'
    using errcode = 'SZ422';
end
$fn$;
`,
  },
  {
    version: 2,
    name: 'lean planner statistics on the log',
    // Autoanalyze samples the log every time it grows by a tenth (access records make that often):
    // 30 000 rows, their payloads summarised too, about half a second of a core at 100 000 events,
    // which stalls every request in flight on a small machine. Nothing filters on the payloads,
    // and every query of the log is driven by its keys, which coarse statistics serve as well:
    // 3 000 rows sampled, about 30 ms.
    sql: `alter table event_store.events
            alter column data set statistics 0, alter column metadata set statistics 0,
            alter column global_position set statistics 10, alter column transaction_id set statistics 10,
            alter column stream_id set statistics 10, alter column stream_version set statistics 10,
            alter column event_id set statistics 10, alter column type set statistics 10,
            alter column recorded_at set statistics 10;`,
  },
  {
    version: 3,
    name: 'each service role appends to its own streams only',
    // Defence in depth: a service's credentials, stolen, must not forge another's events (a
    // ConsentGranted from population's). Which role writes which streams is data, kept by the
    // privileged role that grants the service roles their privileges (@shuzhi/database,
    // provisionServiceRoles); a role with no row here (the owner, a superuser, the operator)
    // appends anywhere. One check per statement, after it, over the rows it wrote: the append
    // function's one insert, or any other insert the role is granted, costs one lookup, and a
    // refusal undoes the whole statement. SECURITY INVOKER, so that current_user is the
    // appending role; its search_path is pinned, or that role could resolve the names below to
    // objects of its own.
    sql: `
create table event_store.stream_writers (
  role_name     name not null,
  stream_prefix text not null check (stream_prefix <> ''),
  primary key (role_name, stream_prefix)
);

create function event_store.refuse_streams_of_others() returns trigger
language plpgsql set search_path = pg_catalog, pg_temp as $fn$
declare
  v_stream text;
begin
  if not exists (select 1 from event_store.stream_writers w where w.role_name = current_user) then
    return null;
  end if;
  select a.stream_id into v_stream from appended a
  where not exists (select 1 from event_store.stream_writers w
                    where w.role_name = current_user and starts_with(a.stream_id, w.stream_prefix))
  limit 1;
  if found then
    raise exception 'role % may not append to stream %', current_user, v_stream
      using errcode = 'SZ403',
            hint = 'its streams begin with: ' || (select string_agg(w.stream_prefix, ', ' order by w.stream_prefix)
                                                  from event_store.stream_writers w where w.role_name = current_user);
  end if;
  return null;
end
$fn$;

create trigger events_appended_by_their_writers after insert on event_store.events
  referencing new table as appended
  for each statement execute function event_store.refuse_streams_of_others();
`,
  },
];

/** Checkpoints of subscriptions: they live beside the read models they guard, whatever holds the log. */
export const SUBSCRIPTION_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'subscription checkpoints',
    sql: `
create schema if not exists event_store;
create table event_store.subscription_checkpoints (
  name       text        primary key,
  checkpoint text,
  -- The read model's shape that these rows were built with; a new version rebuilds them.
  version    integer     not null default 0,
  updated_at timestamptz not null default now()
);
`,
  },
  {
    version: 2,
    name: 'a role writes the checkpoints of its own read models only',
    // A checkpoint is named after its read model, `<schema>.<name>`: whoever owns the schema
    // (each service's role owns its own) owns its checkpoints, so no table of who-owns-what to keep
    // beside the grants. A role reads every checkpoint (lag, health); it inserts and updates only
    // its own, and an update of another's touches no row. The table's owner is exempt.
    sql: `
alter table event_store.subscription_checkpoints enable row level security;
create policy checkpoints_readable on event_store.subscription_checkpoints for select using (true);
create policy checkpoints_of_own_read_models on event_store.subscription_checkpoints
  using (exists (select 1 from pg_catalog.pg_namespace n
                 where n.nspname = pg_catalog.split_part(name, '.', 1)
                   and pg_catalog.pg_get_userbyid(n.nspowner) = current_user))
  with check (exists (select 1 from pg_catalog.pg_namespace n
                      where n.nspname = pg_catalog.split_part(name, '.', 1)
                        and pg_catalog.pg_get_userbyid(n.nspowner) = current_user));
`,
  },
];
