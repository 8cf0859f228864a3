using System.Globalization;
using PriceIngest.Grains.ExchangeRates;
using PriceIngest.Grains.Lanes;
using PriceIngest.Grains.ReferenceData;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.Batches;

/// <summary>
/// The semantic checks of one item against cached reference data and the configured window.
/// Checks every field that parsed (the codec reported the others), so an item's rejection names
/// all of its problems. A price in another currency is converted to whole USD first (see
/// <see cref="ToUsd"/>), and the price limits apply to the converted value.
/// </summary>
internal sealed class ItemValidator(ReferenceSnapshot reference, IngestOptions options, DateOnly today, ExchangeRateTable rates)
{
    private static readonly string[] Fields = ["item", "origin", "destination", "day", "price", "currency"];

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

    /// <summary>
    /// Returns the lane id, with the price in whole USD, when the item is valid and <paramref name="errors"/>
    /// is empty; adds its errors otherwise.
    /// </summary>
    public int Validate(long index, in PriceItem item, List<ItemError> errors, out int usd)
    {
        usd = 0;
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

        if (item.Currency is { } currency && currency != Currencies.Usd)
        {
            Convert(index, item, currency, errors, ref usd);
        }
        else if (item.Price is { } price)
        {
            if (price < 1 || price > options.MaxPrice || item.PriceNanos != 0)
            {
                errors.Add(new(index, "price", Text(item.Amount!.Value),
                    $"price must be a whole number of USD from 1 to {options.MaxPrice}"));
            }
            else
            {
                usd = (int)price;
            }
        }

        return origin is not null && destination is not null ? LaneKey.Of(origin.Id, destination.Id) : -1;
    }

    /// <summary>
    /// The conversion rule: units of the currency per USD on the item's own day, the price divided by
    /// it and rounded half away from zero to whole USD (decimal arithmetic, so the rounding is exact).
    /// </summary>
    public static long ToUsd(decimal price, decimal rate)
    {
        try
        {
            return (long)decimal.Round(price / rate, MidpointRounding.AwayFromZero);
        }
        catch (OverflowException)
        {
            return price < 0 ? long.MinValue : long.MaxValue;
        }
    }

    /// <summary>A quoted price as the user wrote it (no trailing zeros).</summary>
    private static string Text(decimal amount) => amount.ToString("0.#########", CultureInfo.InvariantCulture);

    private void Convert(long index, in PriceItem item, string currency, List<ItemError> errors, ref int usd)
    {
        var dayText = item.Day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (!Currencies.IsKnown(currency))
        {
            var on = dayText is null ? "" : $" on {dayText}";
            errors.Add(new(index, "currency", currency, $"unknown currency '{currency}'{on}: not an ISO 4217 currency code (e.g. EUR)"));
            return;
        }

        if (item.Day is not { } day)
        {
            return;
        }

        if (!rates.TryGet(currency, day, out var rate))
        {
            errors.Add(new(index, "currency", currency, rates.FetchFailure(day) is { } failure
                ? $"no exchange rate for {currency} on {dayText}: fetching that day's rates failed: {failure}"
                : $"no exchange rate for {currency} on {dayText} (add it with PUT /exchange-rates)"));
            return;
        }

        if (item.Amount is not { } price)
        {
            return;
        }

        var converted = ToUsd(price, rate);
        if (converted < 1 || converted > options.MaxPrice)
        {
            errors.Add(new(index, "price", Text(price),
                $"price must be a whole number of USD from 1 to {options.MaxPrice}; {Text(price)} {currency} at {rate.ToString(CultureInfo.InvariantCulture)} {currency} per USD on {dayText} is {converted} USD"));
            return;
        }

        usd = (int)converted;
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
