using System.Text.Json;

namespace PriceIngest.Bench.Contenders.Service;

/// <summary>Reads <c>[{"day":"2016-01-01","average_price":1112,"count":4}, ...]</c>.</summary>
internal static class RatesJson
{
    public static RateDay[] Parse(ReadOnlySpan<byte> json)
    {
        var days = new List<RateDay>(366);
        var reader = new Utf8JsonReader(json);
        Expect(reader.Read() && reader.TokenType == JsonTokenType.StartArray);
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            DateOnly day = default;
            long? average = null;
            var count = -1;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("day"u8))
                {
                    reader.Read();
                    day = reader.ValueIsEscaped ? IsoDay.Parse(reader.GetString()!) : IsoDay.Parse(reader.ValueSpan);
                }
                else if (reader.ValueTextEquals("average_price"u8))
                {
                    reader.Read();
                    average = reader.TokenType == JsonTokenType.Null ? null : reader.GetInt64();
                }
                else if (reader.ValueTextEquals("count"u8))
                {
                    reader.Read();
                    count = reader.GetInt32();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            Expect(count >= 0);
            days.Add(new(day, average, count));
        }

        return [.. days];
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw new FormatException("GET /rates answered something other than [{\"day\",\"average_price\",\"count\"}, ...]");
        }
    }
}
