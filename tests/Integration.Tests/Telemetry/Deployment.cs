namespace PriceIngest.Integration.Tests.Telemetry;

/// <summary>The shipped deployment files (deploy/), copied next to the test assembly by the project file.</summary>
public static class Deployment
{
    public static string File(string relativePath) => Path.Combine(AppContext.BaseDirectory, "deploy", relativePath);

    public static string Read(string relativePath) => System.IO.File.ReadAllText(File(relativePath));
}
