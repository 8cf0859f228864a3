namespace PriceIngest.Bench.Workloads;

/// <summary>A contender answered a benchmarked query differently from plain SQL: the run is void.</summary>
public sealed class AnswerMismatchException : Exception
{
    public AnswerMismatchException()
    {
    }

    public AnswerMismatchException(string message)
        : base(message)
    {
    }

    public AnswerMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
