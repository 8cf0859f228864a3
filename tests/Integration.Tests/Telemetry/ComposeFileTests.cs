using System.Text.Json;

namespace PriceIngest.Integration.Tests.Telemetry;

/// <summary>
/// docker-compose.yml as Debian's docker-compose resolves it for each profile (no engine runs here:
/// <c>config</c> only validates and merges).
/// </summary>
public sealed class ComposeFileTests
{
    [Theory]
    [InlineData("dev", "postgres silo-dev")]
    [InlineData("staging", "gateway1 grafana node-exporter postgres prometheus silo1 silo2")]
    [InlineData("production", "gateway1 gateway2 grafana node-exporter postgres postgres-standby prometheus silo1 silo2 silo3")]
    public async Task Each_profile_passes_docker_compose_config_with_its_services(string profile, string services)
    {
        // docker-compose 1.29's config prints every service whatever the profile: select the profile's by their profiles key.
        var resolved = await ResolvedAsync(profile);
        var inProfile = resolved.GetProperty("services").EnumerateObject()
            .Where(s => s.Value.TryGetProperty("profiles", out var profiles) && profiles.EnumerateArray().Any(p => p.GetString() == profile))
            .Select(s => s.Name);

        Assert.Equal(services, string.Join(' ', inProfile.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task Only_the_first_silo_seeds_and_every_gateway_waits_for_a_healthy_silo()
    {
        var services = (await ResolvedAsync("production")).GetProperty("services");

        foreach (var silo in new[] { "silo1", "silo2", "silo3" })
        {
            var seed = services.GetProperty(silo).GetProperty("environment").GetProperty("Silo__Seed").GetString();
            Assert.Equal(silo == "silo1" ? "true" : "false", seed);
        }

        foreach (var gateway in new[] { "gateway1", "gateway2" })
        {
            var dependsOn = services.GetProperty(gateway).GetProperty("depends_on");
            Assert.Equal("service_healthy", dependsOn.GetProperty("silo1").GetProperty("condition").GetString());
            Assert.True(services.GetProperty(gateway).TryGetProperty("healthcheck", out _), $"{gateway} has no health check");
        }
    }

    [Fact]
    public void Silo_and_gateway_images_copy_their_own_published_folders()
    {
        Assert.Contains("COPY out/silo/ .", File.ReadAllText(Path.Combine(RepositoryRoot, "src/Silo/Dockerfile")), StringComparison.Ordinal);
        Assert.Contains("COPY out/gateway/ .", File.ReadAllText(Path.Combine(RepositoryRoot, "src/Gateway/Dockerfile")), StringComparison.Ordinal);
    }

    private static string RepositoryRoot
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "PriceIngest.sln")))
            {
                folder = folder.Parent;
            }

            return folder?.FullName ?? throw new InvalidOperationException("the tests do not run inside the repository");
        }
    }

    /// <summary>The merged file of a profile as JSON (docker-compose prints YAML; Debian's python3-yaml, its dependency, converts it).</summary>
    private static async Task<JsonElement> ResolvedAsync(string profile)
    {
        var (exitCode, yaml) = await RunAsync(null, "docker-compose", "--profile", profile, "config");
        Assert.True(exitCode == 0, yaml);
        var (converted, json) = await RunAsync(yaml, "python3", "-c", "import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin)))");
        Assert.True(converted == 0, json);
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    /// <summary>Runs a tool in the repository; returns its exit code and stdout (with stderr when it failed).</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string? stdin, string program, params string[] arguments)
    {
        var (exitCode, output, errors) = await ToolProcess.RunAsync(program, stdin, RepositoryRoot, arguments);
        return (exitCode, exitCode == 0 ? output : output + errors);
    }
}
