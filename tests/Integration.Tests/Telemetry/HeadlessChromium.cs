namespace PriceIngest.Integration.Tests.Telemetry;

/// <summary>Debian's Chromium without a display: what a page shows once its scripts ran, and a screenshot of it.</summary>
public static class HeadlessChromium
{
    private static readonly string[] Common =
    [
        // Root in CI has no user namespace for the sandbox; the page is our own, on loopback.
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
        "--window-size=1400,1000", "--virtual-time-budget=8000",
    ];

    public static string? Executable =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    /// <summary>The document of <paramref name="url"/> after its scripts ran for a few (virtual) seconds.</summary>
    public static async Task<string> RenderedDomAsync(Uri url)
    {
        var (exitCode, output, errors) = await ToolProcess.RunAsync(Require(), null, null, [.. Common, "--dump-dom", url.ToString()]);
        Assert.True(exitCode == 0, $"chromium --dump-dom exited {exitCode}: {errors}");
        return output;
    }

    public static async Task ScreenshotAsync(Uri url, string path)
    {
        var (exitCode, _, errors) = await ToolProcess.RunAsync(Require(), null, null, [.. Common, $"--screenshot={path}", url.ToString()]);
        Assert.True(exitCode == 0 && File.Exists(path), $"chromium --screenshot exited {exitCode}: {errors}");
    }

    private static string Require() =>
        Executable ?? throw new InvalidOperationException("Debian's chromium is missing: run scripts/install-test-deps.sh");
}
