namespace PriceIngest.Runtime;

/// <summary>Marker for grain interfaces. Methods return <see cref="Task"/> or <see cref="Task{TResult}"/>.</summary>
public interface IGrain;

/// <summary>A grain addressed by a 64-bit key (Orleans: IGrainWithIntegerKey).</summary>
public interface IGrainWithIntegerKey : IGrain;

/// <summary>A grain addressed by a string key (Orleans: IGrainWithStringKey).</summary>
public interface IGrainWithStringKey : IGrain;
