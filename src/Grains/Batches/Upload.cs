using Npgsql;
using PriceIngest.Grains.ExchangeRates;

namespace PriceIngest.Grains.Batches;

/// <summary>The state of one upload in progress inside a <see cref="BatchGrain"/>.</summary>
internal sealed class Upload(Guid token, BatchHeader header, NpgsqlConnection lockConnection, ItemValidator validator, ExchangeRateTable rates)
{
    public Guid Token { get; } = token;

    public BatchHeader Header { get; } = header;

    /// <summary>Holds the batch id's advisory lock for as long as the upload lives.</summary>
    public NpgsqlConnection LockConnection { get; } = lockConnection;

    public ItemValidator Validator { get; } = validator;

    public StagedRows Rows { get; } = new();

    /// <summary>The rates the validator converts with, read per currency as the batch first names it.</summary>
    public ExchangeRateTable Rates { get; } = rates;

    /// <summary>Valid items converted to USD, per currency: the receipt's counts.</summary>
    public Dictionary<string, long> Converted { get; } = new(StringComparer.Ordinal);

    public List<ItemError> Errors { get; } = [];

    public long Items { get; set; }

    public long InvalidItems { get; set; }

    /// <summary>More items were invalid than a rejection lists: the sender was told to stop reading.</summary>
    public bool StoppedReading { get; set; }

    public DateTimeOffset ReceivedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>How long the start took (the id's lock, its record marked receiving).</summary>
    public TimeSpan StartedIn { get; init; }

    /// <summary>When the upload last heard from its sender (<see cref="System.Diagnostics.Stopwatch"/> ticks): its idle clock.</summary>
    public long LastHeard { get; set; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Aborts the upload once it is idle too long (see <see cref="IngestOptions.IdleTimeout"/>).</summary>
    public IDisposable? IdleTimer { get; set; }

    /// <summary>Measures the receive phase (start of upload to commit request).</summary>
    public System.Diagnostics.Stopwatch Started { get; } = System.Diagnostics.Stopwatch.StartNew();
}
