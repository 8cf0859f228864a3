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

        // Microsoft.Orleans.Clustering.AdoNet ships assemblies only, no SQL: it expects these tables and
        // reads the statements it runs from orleansquery by key (query keys, @parameters and result
        // column names are its contract; names are lower case because it writes them unquoted). Each
        // write that checks the table version is one statement, so it takes effect whole or not at all
        // (Orleans's own script rolls back through plpgsql ASSERT, which plpgsql.check_asserts can turn off).
        new(7, "Orleans membership: the ADO.NET clustering provider's tables and queries", """
            create table orleansquery (
                querykey text collate "C" primary key,
                querytext text not null
            );

            -- One row per cluster (Orleans's ClusterId is its "DeploymentId"), inserted by the first silo
            -- that starts. Its version is the membership table's etag: every membership change bumps it
            -- with a compare-and-swap, and its row lock is what orders concurrent changes.
            create table orleansmembershipversiontable (
                deploymentid text collate "C" primary key,
                timestamp timestamptz not null default now(),
                version int not null default 0
            );

            -- One row per silo incarnation. Status is Orleans's SiloStatus (3 Active, 4 ShuttingDown,
            -- 5 Stopping, 6 Dead); suspecttimes is its "silo,time|silo,time" list of suspicion votes.
            create table orleansmembershiptable (
                deploymentid text collate "C" not null references orleansmembershipversiontable (deploymentid) on delete cascade,
                address text collate "C" not null,
                port int not null,
                generation int not null,
                siloname text not null,
                hostname text not null,
                status int not null,
                proxyport int not null,
                suspecttimes text,
                starttime timestamptz not null,
                iamalivetime timestamptz not null,
                primary key (deploymentid, address, port, generation)
            );

            insert into orleansquery (querykey, querytext) values
            ('InsertMembershipVersionKey', $q$
                with inserted as (
                    insert into orleansmembershipversiontable (deploymentid) values (@DeploymentId)
                    on conflict (deploymentid) do nothing
                    returning 1
                )
                select count(*)::int from inserted
            $q$),

            -- A silo row and the version bump, or neither: the bump is the compare-and-swap on @Version
            -- and finds nothing to bump if the row exists already.
            ('InsertMembershipKey', $q$
                with bumped as (
                    update orleansmembershipversiontable set version = version + 1, timestamp = now()
                    where deploymentid = @DeploymentId and version = @Version
                      and not exists (
                          select from orleansmembershiptable
                          where deploymentid = @DeploymentId and address = @Address and port = @Port and generation = @Generation)
                    returning deploymentid
                ), inserted as (
                    insert into orleansmembershiptable
                        (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
                    select deploymentid, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
                    from bumped
                    returning 1
                )
                select count(*)::int from inserted
            $q$),

            -- Heartbeats may land between a silo's read and its update: the update never moves
            -- iamalivetime back.
            ('UpdateMembershipKey', $q$
                with bumped as (
                    update orleansmembershipversiontable set version = version + 1, timestamp = now()
                    where deploymentid = @DeploymentId and version = @Version
                      and exists (
                          select from orleansmembershiptable
                          where deploymentid = @DeploymentId and address = @Address and port = @Port and generation = @Generation)
                    returning deploymentid
                ), updated as (
                    update orleansmembershiptable m
                    set status = @Status, suspecttimes = @SuspectTimes, iamalivetime = greatest(m.iamalivetime, @IAmAliveTime)
                    from bumped
                    where m.deploymentid = bumped.deploymentid and m.address = @Address and m.port = @Port and m.generation = @Generation
                    returning 1
                )
                select count(*)::int from updated
            $q$),

            -- A heartbeat is not a membership change: no version bump.
            ('UpdateIAmAlivetimeKey', $q$
                update orleansmembershiptable set iamalivetime = @IAmAliveTime
                where deploymentid = @DeploymentId and address = @Address and port = @Port and generation = @Generation
            $q$),

            -- The version row comes back even when the silo has no row (its member columns are then null).
            ('MembershipReadRowKey', $q$
                select v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
                       m.suspecttimes, m.starttime, m.iamalivetime, v.version
                from orleansmembershipversiontable v
                left join orleansmembershiptable m
                    on m.deploymentid = v.deploymentid and m.address = @Address and m.port = @Port and m.generation = @Generation
                where v.deploymentid = @DeploymentId
            $q$),

            ('MembershipReadAllKey', $q$
                select v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
                       m.suspecttimes, m.starttime, m.iamalivetime, v.version
                from orleansmembershipversiontable v
                left join orleansmembershiptable m on m.deploymentid = v.deploymentid
                where v.deploymentid = @DeploymentId
            $q$),

            -- Clients find gateways here: @Status is Active.
            ('GatewaysQueryKey', $q$
                select address, proxyport, generation
                from orleansmembershiptable
                where deploymentid = @DeploymentId and status = @Status and proxyport > 0
            $q$),

            -- The silo rows go with their version row (on delete cascade).
            ('DeleteMembershipTableEntriesKey', $q$
                delete from orleansmembershipversiontable where deploymentid = @DeploymentId
            $q$),

            -- Required by the provider, but 10.x runs it only when CleanupDefunctSiloEntryKey is absent.
            -- Only dead silos go; a row of any other status may belong to a silo that is still there.
            ('CleanupDefunctSiloEntriesKey', $q$
                delete from orleansmembershiptable
                where deploymentid = @DeploymentId and status = 6
                  and iamalivetime < @IAmAliveTime and starttime < @IAmAliveTime
            $q$),

            -- Optional since 10.x: the provider picks expired dead rows from a read of the whole table and
            -- deletes each one only if it is still as read. It does not bump the version.
            ('CleanupDefunctSiloEntryKey', $q$
                delete from orleansmembershiptable
                where deploymentid = @DeploymentId and address = @Address and port = @Port and generation = @Generation
                  and status = 6 and starttime = @StartTime and iamalivetime = @IAmAliveTime
                  and coalesce(suspecttimes, '') = coalesce(@SuspectTimes, '')
            $q$);
            """),

        new(8, "the home-made silos table goes: Orleans's membership table replaces it", """
            drop table silos;
            """),

        new(9, "removed ports keep their ids, so no new code ever takes over their prices", """
            -- A port leaves `ports` for this table and comes back from it with its id if its code is
            -- uploaded again; new ids are drawn above the highest in either table.
            create table retired_ports (
                id smallint primary key,
                code text collate "C" not null unique,
                name text not null,
                region_slug text collate "C" not null,
                retired_at timestamptz not null default now()
            );
            """),

        new(10, "exchange rates per day and currency, as openexchangerates publishes them", """
            -- Units of the currency per 1 USD on that day.
            create table exchange_rates (
                day date not null,
                currency text collate "C" not null check (currency ~ '^[A-Z]{3}$'),
                rate numeric not null check (rate > 0),
                primary key (day, currency)
            );
            """),
        new(11, "a committed batch records how many of its items were converted, per currency", """
            -- {"EUR": 1000, ...}; null when every item was USD.
            alter table batches add column converted jsonb;
            """),
    ];
}
