using System.Globalization;
using PriceIngest.Contracts.V1;
using PriceIngest.Grains.Services;

namespace PriceIngest.Api.Grpc;

/// <summary>A <c>RatesRequest</c> as a <see cref="RatesQuery"/>, read as strictly as REST reads <c>GET /rates</c>.</summary>
internal static class RatesRequests
{
    /// <summary>REST's rule: days with fewer prices than this have no average.</summary>
    public const int DefaultMinCount = 3;

    public static RatesQuery ToQuery(RatesRequest request)
    {
        var from = Day(request.DateFrom, "date_from");
        var to = Day(request.DateTo, "date_to");
        var origin = Place(request.Origin, "origin");
        var destination = Place(request.Destination, "destination");
        var minCount = request.HasMinCount ? request.MinCount : DefaultMinCount;
        if (minCount < 1)
        {
            throw DomainStatus.InvalidArgument("min_count", $"min_count {minCount} must be at least 1");
        }

        if (request.HasMinCommitSeq && request.MinCommitSeq < 0)
        {
            throw DomainStatus.InvalidArgument("min_commit_seq", $"min_commit_seq {request.MinCommitSeq} must be a whole number of at least 0");
        }

        return new RatesQuery(origin, destination, from, to, minCount, request.HasMinCommitSeq ? request.MinCommitSeq : null);
    }

    private static DateOnly Day(string text, string field)
    {
        var value = text.Trim();
        if (value.Length == 0)
        {
            throw DomainStatus.InvalidArgument(field, $"{field} is required");
        }

        return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw DomainStatus.InvalidArgument(field, $"{field} '{value}' is not a real date in YYYY-MM-DD form");
    }

    private static string Place(string text, string field)
    {
        var value = text.Trim();
        return value.Length > 0 ? value : throw DomainStatus.InvalidArgument(field, $"{field} is required");
    }
}
