using Microsoft.Extensions.Options;

namespace PriceIngest.Runtime;

internal sealed class GrainRuntimeOptionsValidator : IValidateOptions<GrainRuntimeOptions>
{
    // Timers and CancellationTokenSource reject delays longer than int.MaxValue milliseconds (about 24.8 days).
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(int.MaxValue);

    public ValidateOptionsResult Validate(string? name, GrainRuntimeOptions options)
    {
        var failures = new List<string>();
        if (options.IdleAge <= TimeSpan.Zero)
        {
            failures.Add($"{GrainRuntimeOptions.SectionName}:{nameof(options.IdleAge)} must be positive.");
        }

        if (options.CollectionInterval <= TimeSpan.Zero || options.CollectionInterval > MaxTimerDelay)
        {
            failures.Add($"{GrainRuntimeOptions.SectionName}:{nameof(options.CollectionInterval)} must be positive and at most {MaxTimerDelay}.");
        }

        if (options.MaxActiveGrains < 1)
        {
            failures.Add($"{GrainRuntimeOptions.SectionName}:{nameof(options.MaxActiveGrains)} must be at least 1.");
        }

        if (options.DeactivationTimeout <= TimeSpan.Zero || options.DeactivationTimeout > MaxTimerDelay)
        {
            failures.Add($"{GrainRuntimeOptions.SectionName}:{nameof(options.DeactivationTimeout)} must be positive and at most {MaxTimerDelay}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
