namespace PriceIngest.Bench.Contenders;

/// <summary>One day of an answer: the rounded average (null under 3 prices) and the number of prices.</summary>
public readonly record struct RateDay(DateOnly Day, long? Average, int Count);
