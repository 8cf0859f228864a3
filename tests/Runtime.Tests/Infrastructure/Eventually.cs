namespace PriceIngest.Runtime.Tests.Infrastructure;

/// <summary>Polling for conditions that the runtime reaches asynchronously, with a timeout generous enough for a loaded CI machine.</summary>
public static class Eventually
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task True(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {Timeout.TotalSeconds} s waiting until {what}.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Awaits a task that is expected to complete, failing the test instead of hanging it.</summary>
    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Timeout);

    public static Task Within(this Task task) => task.WaitAsync(Timeout);
}
