using System.Runtime.CompilerServices;
using PriceIngest.Contracts.V1;

namespace PriceIngest.Client.Sources;

/// <summary>
/// Where an upload's items come from. A retried upload reads its source again from the start, so
/// a source that can restart (a file, a factory) is retried at any point; one that cannot (a
/// pipe, stdin) is retried only while nothing has been read from it yet.
/// </summary>
public abstract class PriceSource
{
    private long _started;

    /// <summary>True when <see cref="ReadAsync"/> may be called again and starts over.</summary>
    public abstract bool CanRestart { get; }

    /// <summary>Size of the source in bytes when known (a file), for progress and ETA.</summary>
    public virtual long? TotalBytes => null;

    /// <summary>Bytes consumed by the current read so far (0 when unknown).</summary>
    public virtual long BytesRead => 0;

    /// <summary>True once a read has started consuming the source.</summary>
    public bool Started => Interlocked.Read(ref _started) != 0;

    /// <summary>Reads the items from the beginning.</summary>
    public IAsyncEnumerable<PriceItem> ReadAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0 && !CanRestart)
        {
            throw new InvalidOperationException("This source cannot be read twice.");
        }

        return ReadCoreAsync(cancellationToken);
    }

    protected abstract IAsyncEnumerable<PriceItem> ReadCoreAsync(CancellationToken cancellationToken);

    /// <summary>A CSV or NDJSON file (format from the extension when not given); restartable.</summary>
    public static PriceSource FromFile(string path, PriceFileFormat? format = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new FileSource(path, format ?? PriceFileFormats.FromPath(path));
    }

    /// <summary>A stream read once (stdin, a pipe): not restartable.</summary>
    public static PriceSource FromStream(Stream stream, PriceFileFormat format)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new StreamSource(stream, format);
    }

    /// <summary>Items made by a factory called once per attempt: restartable.</summary>
    public static PriceSource FromFactory(Func<CancellationToken, IAsyncEnumerable<PriceItem>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new FactorySource(factory);
    }

    /// <summary>An enumerable enumerated once: not restartable (use <see cref="FromFactory"/> for retries).</summary>
    public static PriceSource FromEnumerable(IAsyncEnumerable<PriceItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new OnceSource(items);
    }

    private sealed class FileSource(string path, PriceFileFormat format) : PriceSource
    {
        private Stream? _current;

        public override bool CanRestart => true;

        public override long? TotalBytes => new FileInfo(path).Length;

        public override long BytesRead
        {
            get
            {
                try
                {
                    return Volatile.Read(ref _current)?.Position ?? 0;
                }
                catch (ObjectDisposedException)
                {
                    return TotalBytes ?? 0;
                }
            }
        }

        protected override async IAsyncEnumerable<PriceItem> ReadCoreAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (stream.ConfigureAwait(false))
            {
                Volatile.Write(ref _current, stream);
                await foreach (var item in PriceFileReader.ReadAsync(stream, format, cancellationToken).ConfigureAwait(false))
                {
                    yield return item;
                }
            }
        }
    }

    private sealed class StreamSource(Stream stream, PriceFileFormat format) : PriceSource
    {
        public override bool CanRestart => false;

        public override long? TotalBytes => stream.CanSeek ? stream.Length : null;

        public override long BytesRead => stream.CanSeek ? stream.Position : 0;

        protected override IAsyncEnumerable<PriceItem> ReadCoreAsync(CancellationToken cancellationToken) =>
            PriceFileReader.ReadAsync(stream, format, cancellationToken);
    }

    private sealed class FactorySource(Func<CancellationToken, IAsyncEnumerable<PriceItem>> factory) : PriceSource
    {
        public override bool CanRestart => true;

        protected override IAsyncEnumerable<PriceItem> ReadCoreAsync(CancellationToken cancellationToken) => factory(cancellationToken);
    }

    private sealed class OnceSource(IAsyncEnumerable<PriceItem> items) : PriceSource
    {
        public override bool CanRestart => false;

        protected override IAsyncEnumerable<PriceItem> ReadCoreAsync(CancellationToken cancellationToken) => items;
    }
}
