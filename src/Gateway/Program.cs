using PriceIngest.Gateway.Hosting;

// A gateway: the public APIs in front of the silos registered in PostgreSQL. Stateless; run several.
var app = GatewayApp.Build(args);
await app.RunAsync();
