namespace PriceIngest.Bench.Contenders;

/// <summary>
/// Something that answers average-price questions: the service through one of its wire protocols,
/// or plain SQL. Answers are normalised so that any two can be compared.
/// </summary>
public interface ILookupContender : IContender
{
    /// <summary>Every day of the range in order.</summary>
    Task<RateDay[]> LookupAsync(LookupQuery query, CancellationToken cancellationToken);
}
