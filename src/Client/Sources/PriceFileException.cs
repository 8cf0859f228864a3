namespace PriceIngest.Client.Sources;

/// <summary>A line of a price file that cannot become a <c>PriceItem</c> (before any server sees it).</summary>
public sealed class PriceFileException : Exception
{
    public PriceFileException(long line, string reason)
        : base($"line {line}: {reason}")
    {
        Line = line;
        Reason = reason;
    }

    public PriceFileException()
        : this(0, "unreadable price file")
    {
    }

    public PriceFileException(string message)
        : base(message)
    {
        Reason = message;
    }

    public PriceFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>1-based line number in the file.</summary>
    public long Line { get; }

    public string Reason { get; } = string.Empty;
}
