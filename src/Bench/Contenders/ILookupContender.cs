namespace PriceIngest.Bench.Contenders;

/// <summary>
/// Something that answers average-price questions: the service over REST (a gRPC client of the
/// service will be another), or plain SQL. Answers are normalised so that any two can be compared.
/// </summary>
public interface ILookupContender
{
    /// <summary>Short name for reports.</summary>
    string Name { get; }

    /// <summary>Every day of the range in order.</summary>
    Task<RateDay[]> LookupAsync(LookupQuery query, CancellationToken cancellationToken);
}
