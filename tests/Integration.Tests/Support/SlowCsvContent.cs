using System.Net;
using System.Text;

namespace PriceIngest.Integration.Tests.Support;

/// <summary>A CSV body that stops after some rows until told to go on: an upload held "in progress".</summary>
public sealed class SlowCsvContent : HttpContent
{
    private readonly int _rows;
    private readonly int _pauseAfter;

    public SlowCsvContent(int rows, int pauseAfter)
    {
        (_rows, _pauseAfter) = (rows, pauseAfter);
        Headers.ContentType = new("text/csv");
    }

    public TaskCompletionSource Paused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Resume { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes("origin,destination,day,price\n"), cancellationToken);
        for (var i = 0; i < _rows; i++)
        {
            if (i == _pauseAfter)
            {
                await stream.FlushAsync(cancellationToken);
                Paused.TrySetResult();
                await Resume.Task.WaitAsync(cancellationToken);
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes($"CNSGH,NLRTM,2016-01-{(i % 28) + 1:00},{i + 1}\n"), cancellationToken);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
