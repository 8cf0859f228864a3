using Orleans.Runtime;

namespace PriceIngest.Grains.Hosting;

internal static class OtherActiveSilos
{
    /// <summary>The silos this one sees as active in its membership view, itself excluded.</summary>
    public static List<SiloAddress> Of(IClusterMembershipService membership, ILocalSiloDetails self)
    {
        var others = new List<SiloAddress>();
        foreach (var (address, member) in membership.CurrentSnapshot.Members)
        {
            if (member.Status == SiloStatus.Active && !address.Equals(self.SiloAddress))
            {
                others.Add(address);
            }
        }

        return others;
    }
}
