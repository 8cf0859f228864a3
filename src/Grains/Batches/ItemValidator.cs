using PriceIngest.Grains.Lanes;
using PriceIngest.Grains.ReferenceData;

namespace PriceIngest.Grains.Batches;

/// <summary>
/// The semantic checks of one item against cached reference data and the configured window.
/// Reports every failing field of the item, not only the first.
/// </summary>
internal sealed class ItemValidator(ReferenceSnapshot reference, IngestOptions options, DateOnly today)
{
    private readonly DateOnly _lastDay = today.AddDays(options.MaxDaysAhead);

    /// <summary>Returns the lane id, or -1 after adding the item's errors to <paramref name="errors"/>.</summary>
    public int Validate(long index, in PriceItem item, List<ItemError> errors)
    {
        var before = errors.Count;
        var origin = Port(index, "origin", item.Origin, errors);
        var destination = Port(index, "destination", item.Destination, errors);
        if (origin is not null && destination is not null && origin.Id == destination.Id)
        {
            errors.Add(new(index, "destination", item.Destination, "destination is the same port as origin"));
        }

        if (item.Day < options.MinDay || item.Day > _lastDay)
        {
            errors.Add(new(index, "day", item.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                $"day must be between {options.MinDay:yyyy-MM-dd} and {_lastDay:yyyy-MM-dd}"));
        }

        if (item.Price < 1 || item.Price > options.MaxPrice)
        {
            errors.Add(new(index, "price", item.Price.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"price must be a whole number of USD from 1 to {options.MaxPrice}"));
        }

        return errors.Count == before ? LaneKey.Of(origin!.Id, destination!.Id) : -1;
    }

    private Port? Port(long index, string field, string code, List<ItemError> errors)
    {
        if (reference.PortsByCode.TryGetValue(code, out var port))
        {
            return port;
        }

        errors.Add(new(index, field, code, $"unknown port code '{code}'"));
        return null;
    }
}
