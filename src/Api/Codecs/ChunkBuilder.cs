using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
using PriceIngest.Grains.Batches;

namespace PriceIngest.Api.Codecs;

/// <summary>
/// Collects parsed items into <see cref="PriceChunk"/>s. Port codes repeat millions of times in a
/// batch; they are interned through a small pool so each distinct code is one string.
/// </summary>
public sealed class ChunkBuilder(int chunkSize)
{
    private const int MaxPooled = 65_536;

    private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);
    private PriceItem[] _items = new PriceItem[chunkSize];
    private List<ItemError> _errors = [];
    private int _count;

    /// <summary>Index of the next item in the whole batch (0-based).</summary>
    public long NextIndex { get; private set; }

    public bool IsFull => _count == _items.Length;

    /// <summary>Adds an item with the syntax errors found in it (fields that failed are null).</summary>
    public void Add(PriceItem item, IEnumerable<ItemError> errors)
    {
        _errors.AddRange(errors);
        _items[_count++] = item;
        NextIndex++;
    }

    public string Intern(ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = stackalloc char[Math.Min(utf8.Length, 256)];
        var text = utf8.Length <= 256 ? chars[..Encoding.UTF8.GetChars(utf8, chars)].Trim() : Encoding.UTF8.GetString(utf8).AsSpan().Trim();
        var lookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(text, out var pooled))
        {
            return pooled;
        }

        var value = text.ToString();
        if (_pool.Count < MaxPooled)
        {
            _pool[value] = value;
        }

        return value;
    }

    /// <summary>Hands out the collected items (the arrays move into the chunk; nothing is copied).</summary>
    public PriceChunk? Take()
    {
        if (_count == 0)
        {
            return null;
        }

        var items = _count == _items.Length ? _items : _items[.._count];
        var chunk = new PriceChunk(NextIndex - _count, ImmutableCollectionsMarshal.AsImmutableArray(items), [.. _errors]);
        _items = new PriceItem[_items.Length];
        _errors = [];
        _count = 0;
        return chunk;
    }
}
