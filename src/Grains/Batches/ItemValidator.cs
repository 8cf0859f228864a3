using System.Globalization;
using PriceIngest.Grains.Lanes;
using PriceIngest.Grains.ReferenceData;

namespace PriceIngest.Grains.Batches;

/// <summary>
/// The semantic checks of one item against cached reference data and the configured window.
/// Checks every field that parsed (the codec reported the others), so an item's rejection names
/// all of its problems.
/// </summary>
internal sealed class ItemValidator(ReferenceSnapshot reference, IngestOptions options, DateOnly today)
{
    private static readonly string[] Fields = ["item", "origin", "destination", "day", "price"];

    private readonly DateOnly _lastDay = today.AddDays(options.MaxDaysAhead);

    /// <summary>
    /// A value as it can be shown back and stored (jsonb refuses NUL): control and surrogate characters replaced,
    /// at most 200 characters.
    /// </summary>
    public static string? Printable(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.Length > 200 ? value[..200] + "..." : value;
        static bool Unprintable(char c) => char.IsControl(c) || char.IsSurrogate(c);
        return text.Any(Unprintable) ? new string([.. text.Select(c => Unprintable(c) ? '\uFFFD' : c)]) : text;
    }

    /// <summary>Orders one item's errors as its fields are ordered.</summary>
    public static Comparison<ItemError> FieldOrder { get; } = (a, b) => Array.IndexOf(Fields, a.Field).CompareTo(Array.IndexOf(Fields, b.Field));

    /// <summary>Returns the lane id when the item is valid and <paramref name="errors"/> is empty; adds its errors otherwise.</summary>
    public int Validate(long index, in PriceItem item, List<ItemError> errors)
    {
        var origin = Port(index, "origin", item.Origin, errors);
        var destination = Port(index, "destination", item.Destination, errors);
        if (origin is not null && destination is not null && origin.Id == destination.Id)
        {
            errors.Add(new(index, "destination", item.Destination, "destination is the same port as origin"));
        }

        if (item.Day is { } day && (day < options.MinDay || day > _lastDay))
        {
            errors.Add(new(index, "day", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                $"day must be between {options.MinDay:yyyy-MM-dd} and {_lastDay:yyyy-MM-dd}"));
        }

        if (item.Price is { } price && (price < 1 || price > options.MaxPrice))
        {
            errors.Add(new(index, "price", price.ToString(CultureInfo.InvariantCulture),
                $"price must be a whole number of USD from 1 to {options.MaxPrice}"));
        }

        return origin is not null && destination is not null ? LaneKey.Of(origin.Id, destination.Id) : -1;
    }

    private Port? Port(long index, string field, string? code, List<ItemError> errors)
    {
        if (code is null)
        {
            return null;
        }

        if (reference.PortsByCode.TryGetValue(code, out var port))
        {
            return port;
        }

        errors.Add(new(index, field, code, $"unknown port code '{code}'"));
        return null;
    }
}
