using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using PriceIngest.Grains.Coherence;
using PriceIngest.Grains.Hosting;

namespace PriceIngest.Grains.ReferenceData;

/// <summary>
/// Makes a committed reference upload hold on every active silo before it is answered, so a
/// lookup or batch sent anywhere after the 200 uses it (a NOTIFY alone arrives a few ms too late).
/// A silo that does not answer within <see cref="CommitFeedOptions.ReferenceWait"/> still loads it
/// on its NOTIFY or next poll; the upload is committed either way.
/// </summary>
internal sealed partial class ReferenceBroadcast(
    ReferenceReloadClient silos,
    IClusterMembershipService membership,
    ILocalSiloDetails self,
    IOptions<CommitFeedOptions> options,
    ILogger<ReferenceBroadcast> logger)
{
    public async Task PublishAsync(long version, CancellationToken cancellationToken)
    {
        var wait = options.Value.ReferenceWait;
        await Task.WhenAll(OtherActiveSilos.Of(membership, self).Select(async silo =>
        {
            try
            {
                await silos.On(silo).ReloadAsync(version, cancellationToken).WaitAsync(wait, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Whatever it was (unreachable, too slow, its database call failed), the version is
                // committed and that silo's commit feed picks it up.
                LogNotReloaded(logger, silo, version, e);
            }
        }));
    }

    [LoggerMessage(EventId = 2330, Level = LogLevel.Warning, Message = "Silo {Silo} did not confirm reference version {Version}; it loads it on its next poll")]
    private static partial void LogNotReloaded(ILogger logger, SiloAddress silo, long version, Exception exception);
}
