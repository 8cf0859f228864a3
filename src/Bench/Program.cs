using PriceIngest.Bench.Cli;

// dotnet run -c Release --project src/Bench -- [--quick] [--output artifacts/bench.json] [--connection-string CS]
return await BenchCommand.Create().Parse(args).InvokeAsync();
