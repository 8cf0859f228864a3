namespace PriceIngest.Integration.Tests.Support;

/// <summary>
/// Where tests keep what a person may want to look at afterwards (screenshots): the folder named
/// by <c>TEST_ARTIFACTS</c>, else <c>artifacts/</c> beside the test assembly.
/// </summary>
public static class TestArtifacts
{
    public static string PathOf(string fileName)
    {
        var folder = Environment.GetEnvironmentVariable("TEST_ARTIFACTS") is { Length: > 0 } named
            ? named
            : Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, fileName);
    }
}
