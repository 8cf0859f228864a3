using System.IO.Pipelines;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using PriceIngest.Api.Codecs;
using PriceIngest.Api.Limits;
using PriceIngest.Formats;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.Services;

namespace PriceIngest.Api.Rest;

/// <summary>
/// <c>POST /batches?id=ID</c> streams a CSV or NDJSON body into one batch: 200 receipt, 422 rejection,
/// 409 while that id is uploading elsewhere, 413 over the item or body limit. <c>GET /batches/{id}</c>.
/// </summary>
internal static partial class BatchesEndpoints
{
    /// <summary>What a client-chosen batch id may look like (REST and gRPC alike).</summary>
    internal const string BatchIdRule = "id must be 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'";

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    internal static partial Regex BatchId();

    /// <summary>
    /// The batch id from <c>?id=</c>, generated when the parameter is absent; null (with a problem)
    /// when malformed. A present but empty <c>?id=</c> is malformed: a client that meant an id (a
    /// template with a missing value) would otherwise get a fresh one on each retry, not exactly-once.
    /// </summary>
    public static string? ReadBatchId(HttpContext context, out IResult? problem)
    {
        if (!context.Request.Query.TryGetValue("id", out var given))
        {
            problem = null;
            return Guid.NewGuid().ToString("N");
        }

        var id = given.ToString();
        problem = given.Count == 1 && BatchId().IsMatch(id) ? null : Problems.BadParameter("id", BatchIdRule);
        return problem is null ? id : null;
    }

    public static async Task<IResult> PostAsync(HttpContext context, IIngestService ingest, IOptions<RestOptions> options, UploadStalls stalls)
    {
        if (ReadBatchId(context, out var problem) is not { } id)
        {
            return problem!;
        }

        var mediaType = context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        Func<PipeReader, int, CancellationToken, IAsyncEnumerable<PriceChunk>>? reader = mediaType switch
        {
            "text/csv" => CsvPriceReader.ReadAsync,
            "application/x-ndjson" or "application/ndjson" or "application/jsonl" => NdjsonPriceReader.ReadAsync,
            _ => null,
        };
        if (reader is null)
        {
            return Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Content-Type '{context.Request.ContentType}' is not accepted: send text/csv or application/x-ndjson");
        }

        var source = context.Request.Headers["X-Batch-Source"].ToString();
        if (!PlainText.IsPlain(source))
        {
            return Problems.BadParameter("X-Batch-Source", $"the X-Batch-Source header must be {PlainText.Rule}");
        }

        var header = new BatchHeader(id, source.Length > 0 ? source : null, null);
        using var guard = stalls.Watch(context.RequestAborted);
        var body = new StallGuardedBodyReader(context.Request.BodyReader, guard);
        var answer = await UploadAsync(ingest, header, reader(body, options.Value.ChunkItems, context.RequestAborted), context.RequestAborted);
        if (!body.ReachedEnd)
        {
            // Answered before the end of the body (a rejection that stopped reading, a limit): close
            // the connection after the answer rather than let Kestrel read and drop the rest.
            context.Response.Headers.Connection = "close";
        }

        return answer;
    }

    /// <summary>Runs an upload and maps every outcome and failure to its HTTP answer.</summary>
    public static async Task<IResult> UploadAsync(IIngestService ingest, BatchHeader header, IAsyncEnumerable<PriceChunk> chunks, CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await ingest.UploadAsync(header, chunks, cancellationToken);
            return outcome.State == BatchState.Committed
                ? Results.Json(BatchJson.From(outcome))
                : Results.Json(BatchJson.From(outcome), statusCode: StatusCodes.Status422UnprocessableEntity);
        }
        catch (BatchInProgressException e)
        {
            return Problems.Status(StatusCodes.Status409Conflict, "Batch in progress", e.Message);
        }
        catch (UploadExpiredException e)
        {
            return Problems.Status(StatusCodes.Status408RequestTimeout, "Upload expired", e.Message);
        }
        catch (UploadStalledException e)
        {
            return Problems.Status(StatusCodes.Status408RequestTimeout, "Upload stalled", e.Message);
        }
        catch (BatchTooLargeException e)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "Batch too large", e.Message);
        }
        catch (MalformedBodyException e)
        {
            return Problems.Status(StatusCodes.Status400BadRequest, "Malformed body", $"{e.Message}; nothing was written");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "Body too large", $"{e.Message} (Rest:MaxBatchBodyBytes); nothing was written");
        }
        catch (BadHttpRequestException e)
        {
            // A body that arrived too slowly or was cut short: the client's side, not a server fault.
            return Problems.Status(e.StatusCode, "Bad request body", $"{e.Message}; nothing was written");
        }
        catch (ServiceUnavailableException e)
        {
            return Problems.Unavailable(e.Message);
        }
    }

    public static async Task<IResult> GetAsync(string id, HttpContext context, IIngestService ingest)
    {
        if (!BatchId().IsMatch(id))
        {
            return Problems.BadParameter("id", BatchIdRule);
        }

        var outcome = await ingest.GetBatchAsync(id, context.RequestAborted);
        return outcome is null
            ? Problems.NotFound("Unknown batch", $"batch '{id}' was never received", "id", id)
            : Results.Json(BatchJson.From(outcome));
    }
}
