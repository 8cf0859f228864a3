using System.Diagnostics;

namespace PriceIngest.Grains.Lanes;

/// <summary>
/// The span of one lane-loading query. One query serves the cold lanes of several lookups, so it
/// belongs to the first one's trace and links the others: each lookup's trace then reaches the SQL.
/// </summary>
internal static class LaneLoadTracing
{
    public static readonly ActivitySource Source = new("PriceIngest.Lanes");

    /// <summary>The span (null when no one listens), current while the query runs.</summary>
    public static Activity? Start(List<LaneLoadRequest> batch)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext parent = default;
        List<ActivityLink>? links = null;
        foreach (var request in batch)
        {
            if (request.Trace == default || request.Trace.TraceId == parent.TraceId)
            {
                continue;
            }

            if (parent == default)
            {
                parent = request.Trace;
            }
            else if (links is null || links.TrueForAll(l => l.Context.TraceId != request.Trace.TraceId))
            {
                (links ??= []).Add(new ActivityLink(request.Trace));
            }
        }

        var span = Source.StartActivity("load lanes", ActivityKind.Internal, parent, links: links);
        span?.SetTag("priceingest.lanes", batch.Count);
        return span;
    }
}
