using PriceIngest.Api.Rest;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.Services;
using V1 = PriceIngest.Contracts.V1;

namespace PriceIngest.Api.Grpc;

/// <summary>The header of an upload: the batch id rule is REST's (<c>?id=</c>); an empty id is generated.</summary>
internal static class BatchHeaders
{
    public static BatchHeader From(V1.BatchHeader? header)
    {
        if (header is null)
        {
            throw DomainStatus.InvalidArgument("header", "header is required; nothing was written");
        }

        var id = header.BatchId.Length == 0 ? Guid.NewGuid().ToString("N") : CheckId(header.BatchId, "header.batch_id");
        if (!PlainText.IsPlain(header.Source))
        {
            throw DomainStatus.InvalidArgument("header.source", $"header.source must be {PlainText.Rule}; nothing was written");
        }

        return new BatchHeader(id, header.Source.Length > 0 ? header.Source : null, header.HasDeclaredItems ? header.DeclaredItems : null);
    }

    /// <summary>A client-chosen id, or INVALID_ARGUMENT naming <paramref name="field"/>.</summary>
    public static string CheckId(string id, string field) =>
        BatchesEndpoints.BatchId().IsMatch(id)
            ? id
            : throw DomainStatus.InvalidArgument(field, $"{field} '{Shown(id)}' is malformed: batch {BatchesEndpoints.BatchIdRule}");

    private static string Shown(string id) => id.Length > 140 ? id[..140] + "..." : id;
}
