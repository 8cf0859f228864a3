using Microsoft.Extensions.Logging;

namespace PriceIngest.EmbeddedPostgres;

/// <summary>Deletes a throwaway data folder, retrying briefly (a just-stopped server may still close files).</summary>
internal static class ThrowawayFolder
{
    public static void Delete(string path, ILogger logger)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }

                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (attempt == 3)
                {
                    Log.ThrowawayDeleteFailed(logger, path, e);
                    return;
                }

                Thread.Sleep(TimeSpan.FromMilliseconds(200));
            }
        }
    }
}
