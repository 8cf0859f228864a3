namespace PriceIngest.EmbeddedPostgres;

/// <summary>What <see cref="ServerLauncher"/> hands to <see cref="PostgresServer"/>.</summary>
internal sealed record LaunchedServer(ClusterControl Control, PostgresServerOptions Options, int Port, bool Throwaway);
