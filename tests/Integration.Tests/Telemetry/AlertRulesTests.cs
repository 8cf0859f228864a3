using System.Text.RegularExpressions;

namespace PriceIngest.Integration.Tests.Telemetry;

public sealed partial class AlertRulesTests
{
    [Fact]
    public async Task Shipped_alert_rules_pass_promtool_check_rules()
    {
        var (exitCode, output) = await Promtool.RunAsync(null, "check", "rules", Deployment.File("prometheus/alerts.yml"));

        Assert.True(exitCode == 0, output);
        Assert.Contains($"SUCCESS: {AlertNames().Count} rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_alert_fires_in_its_promtool_unit_test()
    {
        var tests = Deployment.Read("prometheus/alerts.test.yml");
        foreach (var alert in AlertNames())
        {
            Assert.True(FiringTest(alert).IsMatch(tests), $"alerts.test.yml has no case where {alert} fires (exp_alerts)");
        }

        var (exitCode, output) = await Promtool.RunAsync(null, "test", "rules", Deployment.File("prometheus/alerts.test.yml"));

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shipped_prometheus_configuration_passes_promtool_check_config()
    {
        // check config also loads the rule files it names.
        var folder = Directory.CreateTempSubdirectory("priceingest-prometheus-").FullName;
        try
        {
            File.Copy(Deployment.File("prometheus/alerts.yml"), Path.Combine(folder, "alerts.yml"));
            File.WriteAllText(Path.Combine(folder, "prometheus.yml"),
                Deployment.Read("prometheus/prometheus.yml").Replace("/run/secrets/metrics-key", Path.Combine(folder, "key"), StringComparison.Ordinal));
            File.WriteAllText(Path.Combine(folder, "key"), "pik_test");

            var (exitCode, output) = await Promtool.RunAsync(null, "check", "config", Path.Combine(folder, "prometheus.yml"));

            Assert.True(exitCode == 0, output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static List<string> AlertNames() =>
        [.. AlertLine().Matches(Deployment.Read("prometheus/alerts.yml")).Select(m => m.Groups[1].Value)];

    private static Regex FiringTest(string alert) =>
        new($@"alertname: {Regex.Escape(alert)}\s*\n\s*exp_alerts:", RegexOptions.Multiline);

    [GeneratedRegex(@"^\s*- alert: (\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AlertLine();
}
