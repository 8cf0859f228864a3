namespace PriceIngest.Grains.Lanes;

/// <summary>
/// A lane id packs the two port ids: <c>origin &lt;&lt; 16 | destination</c>. Port ids are 1..32767,
/// so the lane fits a positive int in storage and needs no lookup table.
/// </summary>
public static class LaneKey
{
    public const int MaxPortId = short.MaxValue;

    public static int Of(int originPortId, int destinationPortId) => (originPortId << 16) | destinationPortId;

    public static int Origin(long lane) => (int)(lane >> 16);

    public static int Destination(long lane) => (int)(lane & 0xFFFF);
}
