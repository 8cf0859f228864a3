using System.Text;

namespace PriceIngest.Integration.Tests.Fuzz;

/// <summary>Seeded mutations of valid inputs: the bytes parsers trip on, inserted, flipped, cut and repeated.</summary>
internal sealed class Mutations(int seed)
{
    private static readonly byte[][] Interesting =
    [
        "\""u8.ToArray(), ","u8.ToArray(), "\n"u8.ToArray(), "\r"u8.ToArray(), "\r\n"u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(),
        ":"u8.ToArray(), "["u8.ToArray(), "\\"u8.ToArray(), "\\u0000"u8.ToArray(), " "u8.ToArray(), [0], [0xFF], [0xC3], [0xEF, 0xBB, 0xBF],
        "é"u8.ToArray(), "-"u8.ToArray(), "99999999999999999999999"u8.ToArray(), "1e308"u8.ToArray(), "NaN"u8.ToArray(), "null"u8.ToArray(),
        "\"\""u8.ToArray(), "2016-02-30"u8.ToArray(), "0000-00-00"u8.ToArray(), "\"price\":1,"u8.ToArray(), "%00"u8.ToArray(),
    ];

    public Random Random { get; } = new(seed);

    /// <summary>One to eight mutations of <paramref name="input"/>.</summary>
    public byte[] Mutate(byte[] input)
    {
        var bytes = new List<byte>(input);
        var count = Random.Next(1, 9);
        for (var i = 0; i < count; i++)
        {
            var at = Random.Next(bytes.Count + 1);
            switch (Random.Next(6))
            {
                case 0:
                    bytes.InsertRange(at, Interesting[Random.Next(Interesting.Length)]);
                    break;
                case 1 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] ^= (byte)(1 << Random.Next(8));
                    break;
                case 2 when bytes.Count > 0:
                    var start = Math.Min(at, bytes.Count - 1);
                    bytes.RemoveRange(start, Math.Min(Random.Next(1, 16), bytes.Count - start));
                    break;
                case 3 when bytes.Count > 0:
                    var from = Random.Next(bytes.Count);
                    var piece = bytes.GetRange(from, Math.Min(Random.Next(1, 64), bytes.Count - from));
                    bytes.InsertRange(at, piece);
                    break;
                case 4:
                    bytes.Insert(at, (byte)Random.Next(256));
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }

        return [.. bytes];
    }

    public byte[] Garbage(int maxLength) => [.. Enumerable.Range(0, Random.Next(maxLength)).Select(_ => (byte)Random.Next(256))];

    /// <summary>A mutated query value, of at most <paramref name="maxLength"/> characters.</summary>
    public string Text(int maxLength)
    {
        var text = Encoding.UTF8.GetString(Mutate(Encoding.UTF8.GetBytes(Pick("CNSGH", "north_europe", "2016-01-01", "5", "true", "x"))));
        return text[..Math.Min(maxLength, text.Length)];
    }

    public T Pick<T>(params T[] choices) => choices[Random.Next(choices.Length)];
}
