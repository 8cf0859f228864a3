using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace PriceIngest.EmbeddedPostgres;

/// <summary>
/// The superuser's password: generated once per cluster (160 random bits), set in single-user mode,
/// then kept in the data folder's pgpass file (mode 0600), which connection strings name. A cluster
/// from before passwords (initdb'ed with trust) gets one at its next start.
/// </summary>
internal static class SuperuserCredentials
{
    public static async Task EnsureAsync(ClusterControl control, TimeSpan timeout, ILogger logger, CancellationToken cancellationToken)
    {
        var passFile = control.Layout.PassFile;
        if (File.Exists(passFile))
        {
            return;
        }

        var password = RandomNumberGenerator.GetHexString(40, lowercase: true);
        await control.SetSuperuserPasswordAsync(password, timeout, cancellationToken);

        // Written only once the server has the password, through a new file so the mode is ours.
        var temporary = passFile + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new FileStream(temporary, options))
        await using (var writer = new StreamWriter(file))
        {
            // pgpass: host:port:database:user:password; only this cluster's server reads it.
            await writer.WriteLineAsync($"*:*:*:{DatabaseAdmin.SuperUser}:{password}".AsMemory(), cancellationToken);
        }

        File.Move(temporary, passFile);
        Log.PasswordGenerated(logger, passFile);
    }
}
