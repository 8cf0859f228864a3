namespace PriceIngest.Api.Limits;

/// <summary>An upload's sender sent no bytes for <see cref="CallerLimitsOptions.UploadStallTimeout"/>.</summary>
public sealed class UploadStalledException(TimeSpan timeout)
    : Exception($"no bytes arrived for {timeout.TotalSeconds:0.#} s (Limits:UploadStallTimeout); the upload was aborted and nothing was written");
