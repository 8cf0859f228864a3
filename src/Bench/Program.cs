using System.CommandLine;
using System.Runtime.InteropServices;
using PriceIngest.Bench.Cli;

// dotnet run -c Release --project src/Bench -- [--quick] [--output artifacts/bench.json] [--connection-string CS]
// SIGTERM and Ctrl+C cancel the run, which then stops its processes and says so. System.CommandLine's
// own handling is off: it stopped waiting after two seconds and crashed when the run ended later.
using var stop = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
return await BenchCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, stop.Token);
