using PriceIngest.Formats;

namespace PriceIngest.Integration.Tests.Security;

/// <summary>A throwaway API keys file with one minted key per role.</summary>
public sealed class KeysFile : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("priceingest-keys-").FullName;

    public KeysFile()
    {
        Path = System.IO.Path.Combine(_folder, "api-keys.csv");
        (Reader, var read) = ApiKeyFile.Mint("etl-reader", ApiRole.Read);
        (Ingester, var ingest) = ApiKeyFile.Mint("etl-loader", ApiRole.Ingest);
        (Admin, var admin) = ApiKeyFile.Mint("ops", ApiRole.Admin);
        Write($"# name,role,sha256 of the key\n{read}\n{ingest}\n\n{admin}  # the operators\n");
    }

    public string Path { get; }

    public string Reader { get; }

    public string Ingester { get; }

    public string Admin { get; }

    /// <summary>Replaces the file the way an editor saving it would (write, then rename over it).</summary>
    public void Write(string text)
    {
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, Path, overwrite: true);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Sends <paramref name="key"/> on every call of <paramref name="http"/> until disposed.</summary>
    public static IDisposable Use(HttpClient http, string key)
    {
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return new Scope(http);
    }

    private sealed class Scope(HttpClient http) : IDisposable
    {
        public void Dispose() => http.DefaultRequestHeaders.Authorization = null;
    }
}
