namespace PriceIngest.Integration.Tests.Acceptance;

/// <summary>A fact that needs the shared ratestask dump; skipped, saying why, when the clone has no ../shared beside it.</summary>
public sealed class RatesDumpFactAttribute : FactAttribute
{
    public RatesDumpFactAttribute()
    {
        if (RatesDump.Locate() is null)
        {
            Skip = "../shared/data/ratestask/rates.sql is not beside this clone (only the workspace has it), so the real-data acceptance test cannot run";
        }
    }
}
