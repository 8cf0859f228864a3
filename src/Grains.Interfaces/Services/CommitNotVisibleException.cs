using Orleans;

namespace PriceIngest.Grains.Services;

/// <summary>A read asked for a commit sequence that this node has not applied within the allowed wait.</summary>
[GenerateSerializer]
[Alias("priceingest.CommitNotVisibleException")]
public sealed class CommitNotVisibleException(long commitSeq)
    : Exception($"commit {commitSeq} is not visible here yet; retry shortly")
{
    [Id(0)]
    public long CommitSeq { get; } = commitSeq;
}
