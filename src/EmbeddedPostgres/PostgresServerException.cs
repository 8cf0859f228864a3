namespace PriceIngest.EmbeddedPostgres;

/// <summary>
/// The private PostgreSQL server could not be located, initialised, started or stopped.
/// The message says what failed and, where there is one, ends with the tail of the server log.
/// </summary>
public sealed class PostgresServerException : Exception
{
    public PostgresServerException()
    {
    }

    public PostgresServerException(string message)
        : base(message)
    {
    }

    public PostgresServerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
