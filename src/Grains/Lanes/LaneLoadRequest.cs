using System.Diagnostics;

namespace PriceIngest.Grains.Lanes;

/// <summary>One lane an activation waits for, and the trace it was asked for in.</summary>
internal readonly record struct LaneLoadRequest(int Lane, TaskCompletionSource<LaneDays> Done, ActivityContext Trace);
