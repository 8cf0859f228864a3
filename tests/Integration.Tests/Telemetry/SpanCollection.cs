using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;

namespace PriceIngest.Integration.Tests.Telemetry;

/// <summary>
/// What the in-memory exporter fills: spans end on many threads (Kestrel's, Orleans's) while the
/// test reads, so this is a queue behind the <see cref="ICollection{T}"/> the exporter takes.
/// </summary>
public sealed class SpanCollection : ICollection<Activity>
{
    private readonly ConcurrentQueue<Activity> _spans = new();

    public int Count => _spans.Count;

    public bool IsReadOnly => false;

    public void Add(Activity item) => _spans.Enqueue(item);

    public void Clear() => _spans.Clear();

    public bool Contains(Activity item) => _spans.Contains(item);

    public void CopyTo(Activity[] array, int arrayIndex) => _spans.CopyTo(array, arrayIndex);

    public bool Remove(Activity item) => throw new NotSupportedException("spans are only added");

    public IEnumerator<Activity> GetEnumerator() => _spans.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Every span of the trace whose root is the server span of a request to <paramref name="path"/>.</summary>
    public async Task<IReadOnlyList<Activity>> TraceOfRequestAsync(string path, Func<IReadOnlyList<Activity>, bool> complete, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var root = _spans.FirstOrDefault(s => s.Kind == ActivityKind.Server && s.Parent is null && s.ParentSpanId == default
                && (s.GetTagItem("url.path") as string) == path);
            var trace = root is null ? [] : _spans.Where(s => s.TraceId == root.TraceId).ToList();
            if ((root is not null && complete(trace)) || deadline.Elapsed > timeout)
            {
                return trace;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>One line per span, for a failure message.</summary>
    public string Describe() => string.Join("\n", _spans.Select(s =>
        $"{s.Source.Name} {s.Kind} '{s.DisplayName}' trace={s.TraceId} span={s.SpanId} parent={s.ParentSpanId}"));
}
