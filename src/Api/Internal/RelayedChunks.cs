using System.Collections.Immutable;
using PriceIngest.Contracts.Internal.V1;
using PriceIngest.Grains.Batches;
using Domain = PriceIngest.Grains.Batches;

namespace PriceIngest.Api.Internal;

/// <summary>
/// A <see cref="PriceChunk"/> on the internal upload stream (gateway to silo) and back, exactly:
/// absent fields stay absent and syntax errors keep their text, so a relayed batch is judged as
/// if it had arrived at the silo itself.
/// </summary>
public static class RelayedChunks
{
    private const uint NoOrigin = 1, NoDestination = 2, NoDay = 4, NoPrice = 8;

    public static UploadRequest Header(BatchHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return new()
        {
            Header = new()
            {
                BatchId = header.BatchId,
                Source = header.Source ?? string.Empty,
                HasDeclaredItems = header.DeclaredItems.HasValue,
                DeclaredItems = header.DeclaredItems ?? 0,
            },
        };
    }

    public static BatchHeader From(UploadHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return new(header.BatchId, header.Source.Length > 0 ? header.Source : null, header.HasDeclaredItems ? header.DeclaredItems : null);
    }

    public static UploadRequest Encode(PriceChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var message = new Chunk { FirstIndex = chunk.FirstIndex };
        foreach (var item in chunk.Items)
        {
            message.Items.Add(new Item
            {
                Origin = item.Origin ?? string.Empty,
                Destination = item.Destination ?? string.Empty,
                Day = item.Day?.DayNumber ?? 0,
                Price = item.Price ?? 0,
                Absent = (item.Origin is null ? NoOrigin : 0) | (item.Destination is null ? NoDestination : 0)
                    | (item.Day is null ? NoDay : 0) | (item.Price is null ? NoPrice : 0),
            });
        }

        foreach (var error in chunk.Errors.IsDefault ? [] : chunk.Errors)
        {
            message.Errors.Add(new Contracts.Internal.V1.ItemError
            {
                Index = error.Index,
                Field = error.Field,
                HasValue = error.Value is not null,
                Value = error.Value ?? string.Empty,
                Reason = error.Reason,
            });
        }

        return new() { Chunk = message };
    }

    public static PriceChunk Decode(Chunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var items = ImmutableArray.CreateBuilder<PriceItem>(chunk.Items.Count);
        foreach (var item in chunk.Items)
        {
            items.Add(new(
                (item.Absent & NoOrigin) != 0 ? null : item.Origin,
                (item.Absent & NoDestination) != 0 ? null : item.Destination,
                (item.Absent & NoDay) != 0 ? null : DateOnly.FromDayNumber(item.Day),
                (item.Absent & NoPrice) != 0 ? null : item.Price));
        }

        var errors = ImmutableArray.CreateBuilder<Domain.ItemError>(chunk.Errors.Count);
        foreach (var error in chunk.Errors)
        {
            errors.Add(new(error.Index, error.Field, error.HasValue ? error.Value : null, error.Reason));
        }

        return new(chunk.FirstIndex, items.MoveToImmutable(), errors.MoveToImmutable());
    }
}
