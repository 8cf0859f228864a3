namespace PriceIngest.Bench.Contenders.Sql;

/// <summary>
/// The canonical answer in plain SQL: recursive expansion of both regions, every price of every lane
/// between them per day (GROUP BY day), <c>round(avg)</c>, <c>generate_series</c> for days without
/// prices, null under 3 prices. Parameters: origin, destination, from, to.
/// </summary>
/// <remarks>
/// Two spellings. The acceptance test's (<c>left join prices on day = g.day and orig_code in (...)
/// and dest_code in (...)</c>) makes the planner guess 82 ports per side and hash-join a sequential
/// scan of the whole table: 10-40 ms even for one lane. The strong spelling hands the btree both
/// port lists as arrays and the day range (<c>orig_code = any(array(...)) and dest_code =
/// any(array(...)) and day between</c>): one index-only descent per lane, measured here 0.2-0.5 ms
/// for a port-to-port month and 5-7 ms for china_main to northern_europe over a year on 200,000
/// rows. With generic plans (prepared statements after 5 runs) the planner turns the destination
/// list into a filter and region lookups take 40-50 ms, so the bench's connections run with
/// <c>plan_cache_mode = force_custom_plan</c>.
/// </remarks>
public static class CanonicalQueries
{
    /// <summary>Strong spelling over <c>bench.prices</c>, the covering-index table: the SQL contender and ground truth.</summary>
    public const string Covering = $"""
        {Regions},
            daily(day, n, average) as (
                select p.day, count(*), round(avg(p.price))::bigint
                from bench.prices p
                where {Lanes}
                group by p.day)
        {Days}
        """;

    /// <summary>Strong spelling over <c>bench.textbook</c> (ground truth after the ingest runs: it received every batch).</summary>
    public const string Textbook = $"""
        {Regions},
            daily(day, n, average) as (
                select p.day, count(*), round(avg(p.price))::bigint
                from bench.textbook p
                where {Lanes}
                group by p.day)
        {Days}
        """;

    /// <summary>The acceptance test's spelling over <c>bench.prices</c>, for reference.</summary>
    public const string AcceptanceTestForm = $"""
        {Regions},
            o(code) as (select code from bench.ports where code = $1 or parent_slug in (select slug from o_regions)),
            d(code) as (select code from bench.ports where code = $2 or parent_slug in (select slug from d_regions))
        select g.day::date, case when count(p.price) >= 3 then round(avg(p.price))::bigint end, count(p.price)
        from generate_series($3::date, $4::date, interval '1 day') as g(day)
        left join bench.prices p on p.day = g.day::date and p.orig_code in (select code from o) and p.dest_code in (select code from d)
        group by g.day order by g.day
        """;

    private const string Regions = """
        with recursive
            o_regions(slug) as (select slug from bench.regions where slug = $1
                                union select r.slug from bench.regions r join o_regions t on r.parent_slug = t.slug),
            d_regions(slug) as (select slug from bench.regions where slug = $2
                                union select r.slug from bench.regions r join d_regions t on r.parent_slug = t.slug)
        """;

    private const string Lanes = """
        p.orig_code = any (array(select code from bench.ports where code = $1 or parent_slug in (select slug from o_regions)))
                  and p.dest_code = any (array(select code from bench.ports where code = $2 or parent_slug in (select slug from d_regions)))
                  and p.day between $3 and $4
        """;

    private const string Days = """
        select g.day::date, case when daily.n >= 3 then daily.average end, coalesce(daily.n, 0)
        from generate_series($3::date, $4::date, interval '1 day') as g(day)
        left join daily on daily.day = g.day::date
        order by g.day
        """;
}
