using Npgsql;
using PriceIngest.EmbeddedPostgres;

namespace PriceIngest.Integration.Tests.Security;

/// <summary>The embedded PostgreSQL lets nobody in without the generated password, and never names it.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EmbeddedPostgresAuthenticationTests : IAsyncLifetime
{
    // Directory.CreateDirectory's default mode lets the postgres account (the server's, when tests run as root) in.
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "priceingest-auth-" + Guid.NewGuid().ToString("N"))).FullName;
    private PostgresServerOptions _options = null!;

    private string DataDirectory => _options.DataDirectory!;

    public Task InitializeAsync()
    {
        _options = new PostgresServerOptions { Durable = false, DataDirectory = Path.Combine(_folder, "pg") };
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_connection_needs_the_generated_password_which_only_the_pgpass_file_holds()
    {
        await using var server = await PostgresServer.StartAsync(_options);
        var passFile = Path.Combine(DataDirectory, "priceingest.pgpass");
        var password = File.ReadAllText(passFile).Trim().Split(':')[^1];

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passFile));
        Assert.Equal(40, password.Length);
        Assert.DoesNotContain(password, server.ConnectionString, StringComparison.Ordinal);
        Assert.Equal(passFile, new NpgsqlConnectionStringBuilder(server.ConnectionString).Passfile);
        Assert.Equal(1, await ScalarAsync(server.ConnectionString));

        var hba = HbaRules();
        Assert.Equal(["local all all scram-sha-256", "host all all 127.0.0.1/32 scram-sha-256"], hba);
        var sockets = Path.Combine(DataDirectory, "sockets");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Directory.EnumerateFiles(sockets, ".s.PGSQL.*").Single(f => !f.EndsWith(".lock", StringComparison.Ordinal))) & (UnixFileMode)0x1FF);

        await AssertRefusedAsync(server.Port, password: null);
        await AssertRefusedAsync(server.Port, password: "not-the-password");
        Assert.Equal(1, await ScalarAsync(Builder(server.Port, password).ConnectionString));
    }

    [Fact]
    public async Task A_cluster_from_the_trust_days_gets_a_password_and_loses_its_trust_lines_at_its_next_start()
    {
        await using (var first = await PostgresServer.StartAsync(_options))
        {
            await first.StopAsync();
        }

        // As an older version left it: initdb's trust rules, no password file.
        File.Delete(Path.Combine(DataDirectory, "priceingest.pgpass"));
        File.WriteAllText(Path.Combine(DataDirectory, "pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n");

        await using var server = await PostgresServer.StartAsync(_options);

        Assert.Equal(1, await ScalarAsync(server.ConnectionString));
        Assert.DoesNotContain(HbaRules(), rule => rule.Contains("trust", StringComparison.Ordinal) || rule.Contains("replication", StringComparison.Ordinal));
        await AssertRefusedAsync(server.Port, password: null);
    }

    private List<string> HbaRules() =>
        [.. File.ReadAllLines(Path.Combine(DataDirectory, "pg_hba.conf"))
            .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))];

    private static NpgsqlConnectionStringBuilder Builder(int port, string? password) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        Username = "postgres",
        Database = "postgres",
        Password = password,
        Pooling = false,
    };

    private static async Task AssertRefusedAsync(int port, string? password)
    {
        // Without a password Npgsql refuses on the server's demand; with a wrong one the server does (28P01).
        var e = await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync(Builder(port, password).ConnectionString));
        if (password is not null)
        {
            Assert.Equal(PostgresErrorCodes.InvalidPassword, Assert.IsType<PostgresException>(e).SqlState);
        }
    }

    private static async Task<int> ScalarAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select 1", connection);
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
