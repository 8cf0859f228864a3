using System.Collections.Immutable;

namespace PriceIngest.Grains.Storage;

/// <summary>
/// The versioned schema. Prices live in one partition per committed batch ("segment"): a batch is
/// COPYed sorted into a fresh table, indexed, and attached in its commit transaction, which
/// measured about 2x raw COPY where a shared indexed table was 8-35x (see docs/storage.md).
/// </summary>
internal static class Schema
{
    public static readonly ImmutableArray<Migration> Migrations =
    [
        new(1, "reference data, segmented prices, batches, commit counter", """
            create table regions (
                slug text collate "C" primary key,
                name text not null,
                parent_slug text collate "C" references regions (slug) deferrable initially deferred
            );

            -- Port ids are small so that a lane id (origin << 16 | destination) fits an int.
            -- They are never reused: prices refer to them.
            create table ports (
                id smallint generated always as identity primary key,
                code text collate "C" not null unique,
                name text not null,
                region_slug text collate "C" not null references regions (slug)
            );

            -- No foreign keys and no uniqueness on purpose: duplicates are legal data and
            -- validation happens in the silo against cached reference data.
            create table prices (
                seg int not null,
                lane int not null,
                day date not null,
                price int not null
            ) partition by list (seg);

            create sequence price_segments as int;

            create table batches (
                id text collate "C" primary key,
                state text not null check (state in ('receiving', 'committed', 'rejected', 'aborted')),
                source text,
                items bigint not null default 0,
                invalid_items bigint not null default 0,
                errors jsonb,
                reason text,
                commit_seq bigint unique,
                seg int,
                received_at timestamptz not null default now(),
                finished_at timestamptz
            );

            -- One row; bumped as the last write of every commit. Its row lock orders commits,
            -- so sequence order is commit order and a snapshot holding seq N holds exactly 1..N.
            create table commit_counter (
                only_row bool primary key default true check (only_row),
                seq bigint not null
            );
            insert into commit_counter values (true, 0);

            -- Segment DDL lives here so that the silo never builds SQL text from values.
            create function create_price_segment(p_seg int) returns text
            language plpgsql as $fn$
            declare t text := 'prices_s' || p_seg;
            begin
                execute format(
                    'create table %I (seg int not null default %s check (seg = %s), lane int not null, day date not null, price int not null)',
                    t, p_seg, p_seg);
                return t;
            end $fn$;

            create function attach_price_segment(p_seg int) returns void
            language plpgsql as $fn$
            declare t text := 'prices_s' || p_seg;
            begin
                execute format('create index on %I (lane, day) include (price)', t);
                execute format('alter table prices attach partition %I for values in (%s)', t, p_seg);
            end $fn$;
            """),
        new(2, "reference data version, so every silo reloads ports and regions after any change", """
            create table reference_version (
                only_row bool primary key default true check (only_row),
                version bigint not null
            );
            insert into reference_version values (true, 0);
            """),
        new(3, "segment bookkeeping for background merges", """
            create table segments (
                seg int primary key,
                rows bigint not null,
                created_at timestamptz not null default now(),
                merged_into int
            );
            insert into segments (seg, rows, created_at)
            select seg, items, coalesce(finished_at, received_at) from batches where state = 'committed' and seg is not null;

            create function fill_price_segment(p_new int, p_old int[]) returns bigint
            language plpgsql as $fn$
            declare n bigint;
            begin
                execute format('insert into %I (lane, day, price) select lane, day, price from prices where seg = any($1) order by lane, day',
                    'prices_s' || p_new) using p_old;
                get diagnostics n = row_count;
                return n;
            end $fn$;

            -- Swaps merged segments for the new one: the only step that blocks readers (an
            -- ACCESS EXCLUSIVE lock on prices for the detach), so it runs last and briefly.
            create function swap_price_segments(p_new int, p_old int[]) returns void
            language plpgsql as $fn$
            declare s int;
            begin
                execute format('create index on %I (lane, day) include (price)', 'prices_s' || p_new);
                foreach s in array p_old loop
                    execute format('alter table prices detach partition %I', 'prices_s' || s);
                    execute format('drop table %I', 'prices_s' || s);
                end loop;
                execute format('alter table prices attach partition %I for values in (%s)', 'prices_s' || p_new, p_new);
            end $fn$;
            """),
        new(4, "silo membership: who serves, where, in which state, alive when", """
            -- One row per silo incarnation. Liveness is judged by the database clock
            -- (heartbeat_at vs now()), so silo and gateway clocks never have to agree.
            create table silos (
                id uuid primary key,
                endpoint text not null,
                status text not null check (status in ('joining', 'active', 'draining', 'dead')),
                heartbeat_at timestamptz not null default now(),
                version text not null,
                started_at timestamptz not null default now()
            );
            create index silos_status on silos (status);
            """),
        new(5, "a fresh segment gets a BRIN in its commit and its covering btree in the background", """
            -- Null while the segment has only the BRIN of its commit; set when its covering btree exists.
            alter table segments add column indexed_at timestamptz;
            update segments set indexed_at = created_at;

            -- A BRIN is one pass over the segment's rows, about a third of a btree build (docs/storage.md);
            -- rows are COPYed sorted by (lane, day), so a lane's rows sit in a few adjacent page ranges.
            create or replace function attach_price_segment(p_seg int) returns void
            language plpgsql as $fn$
            declare t text := 'prices_s' || p_seg;
            begin
                execute format('create index on %I using brin (lane) with (pages_per_range = 8)', t);
                execute format('alter table prices attach partition %I for values in (%s)', t, p_seg);
            end $fn$;

            -- Builds a committed segment's covering btree, at most once whoever calls it. Returns false
            -- when there was nothing to do (indexed already, or merged away). Its lock serialises two
            -- builders of one segment but does not block readers (they take ACCESS SHARE).
            create function index_price_segment(p_seg int) returns boolean
            language plpgsql as $fn$
            declare t text := 'prices_s' || p_seg;
            begin
                begin
                    execute format('lock table %I in share row exclusive mode', t);
                exception when undefined_table then
                    return false;
                end;
                if not exists (select 1 from segments where seg = p_seg and indexed_at is null) then
                    return false;
                end if;
                execute format('create index on %I (lane, day) include (price)', t);
                update segments set indexed_at = clock_timestamp() where seg = p_seg;
                return true;
            end $fn$;
            """),
        new(6, "no btree for a segment already merged away", """
            create or replace function index_price_segment(p_seg int) returns boolean
            language plpgsql as $fn$
            declare t text := 'prices_s' || p_seg;
            begin
                begin
                    execute format('lock table %I in share row exclusive mode', t);
                exception when undefined_table then
                    return false;
                end;
                if not exists (select 1 from segments where seg = p_seg and indexed_at is null and merged_into is null) then
                    return false;
                end if;
                execute format('create index on %I (lane, day) include (price)', t);
                update segments set indexed_at = clock_timestamp() where seg = p_seg;
                return true;
            end $fn$;
            """),
    ];
}
