using System.Collections.Concurrent;

namespace PriceIngest.Runtime.Tests.Infrastructure;

/// <summary>What the test grains did, in order: "activate 1", "start a", "deactivate 1 IdleTimeout", ...</summary>
public sealed class Journal
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyList<string> Entries => [.. _entries];

    public void Add(string entry) => _entries.Enqueue(entry);

    public bool Contains(string entry) => _entries.Contains(entry);

    public int Count(string prefix) => _entries.Count(e => e.StartsWith(prefix, StringComparison.Ordinal));
}
