using System.Collections;
using System.Text;

namespace PriceIngest.Grpc.Core;

/// <summary>
/// gRPC custom metadata: ordered key/value pairs sent as HTTP/2 headers or trailers. Keys are
/// lower-case; keys ending in "-bin" carry bytes (base64 on the wire), all others printable ASCII.
/// </summary>
public sealed class Metadata : IReadOnlyList<Metadata.Entry>
{
    /// <summary>The suffix that marks a binary entry.</summary>
    public const string BinarySuffix = "-bin";

    private readonly List<Entry> _entries = [];

    public int Count => _entries.Count;

    public Entry this[int index] => _entries[index];

    public void Add(string key, string value) => _entries.Add(new Entry(key, value));

    public void Add(string key, byte[] valueBytes) => _entries.Add(new Entry(key, valueBytes));

    public void Add(Entry entry) => _entries.Add(entry);

    /// <summary>The last entry with that key, or null.</summary>
    public Entry? Get(string key)
    {
        var normalized = Entry.NormalizeKey(key);
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].Key == normalized)
            {
                return _entries[i];
            }
        }

        return null;
    }

    public string? GetValue(string key) => Get(key)?.Value;

    public byte[]? GetValueBytes(string key) => Get(key)?.ValueBytes;

    public IEnumerable<Entry> GetAll(string key)
    {
        var normalized = Entry.NormalizeKey(key);
        return _entries.Where(e => e.Key == normalized);
    }

    public bool Remove(string key) => _entries.RemoveAll(e => e.Key == Entry.NormalizeKey(key)) > 0;

    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>One metadata pair; a binary entry keeps its bytes, an ASCII entry its string.</summary>
    public sealed class Entry
    {
        private readonly string? _value;
        private readonly byte[]? _valueBytes;

        public Entry(string key, string value)
        {
            ArgumentNullException.ThrowIfNull(value);
            Key = NormalizeKey(key);
            if (IsBinaryKey(Key))
            {
                throw new ArgumentException($"Metadata key '{Key}' ends in {BinarySuffix} and needs a byte[] value.", nameof(key));
            }

            foreach (var c in value)
            {
                if (c is < ' ' or > '~')
                {
                    throw new ArgumentException($"Metadata value of '{Key}' must be printable ASCII.", nameof(value));
                }
            }

            _value = value;
        }

        public Entry(string key, byte[] valueBytes)
        {
            ArgumentNullException.ThrowIfNull(valueBytes);
            Key = NormalizeKey(key);
            if (!IsBinaryKey(Key))
            {
                throw new ArgumentException($"Metadata key '{Key}' carries bytes, so it must end in {BinarySuffix}.", nameof(key));
            }

            _valueBytes = valueBytes;
        }

        public string Key { get; }

        public bool IsBinary => _valueBytes is not null;

        /// <summary>The ASCII value; for a binary entry, its bytes read as UTF-8 for convenience.</summary>
        public string Value => _value ?? Encoding.UTF8.GetString(_valueBytes!);

        /// <summary>The bytes of a binary entry; for an ASCII entry, its characters as ASCII bytes.</summary>
        public byte[] ValueBytes => _valueBytes ?? Encoding.ASCII.GetBytes(_value!);

        public override string ToString() => IsBinary ? $"{Key}=[{_valueBytes!.Length} bytes]" : $"{Key}={_value}";

        internal static bool IsBinaryKey(string key) => key.EndsWith(BinarySuffix, StringComparison.Ordinal);

        // HTTP/2 header names are lower-case; gRPC allows only 0-9 a-z _ - . in them.
        internal static string NormalizeKey(string key)
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
            var normalized = key.ToLowerInvariant();
            foreach (var c in normalized)
            {
                if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '.'))
                {
                    throw new ArgumentException($"Metadata key '{key}' has a character gRPC does not allow.", nameof(key));
                }
            }

            return normalized;
        }
    }
}
