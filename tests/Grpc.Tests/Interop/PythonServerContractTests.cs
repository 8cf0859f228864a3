using PriceIngest.Grpc.Tests.Client;
using PriceIngest.Grpc.Tests.Infrastructure;

namespace PriceIngest.Grpc.Tests.Interop;

/// <summary>Our client against Debian's python grpcio server: the same contract as against our server.</summary>
public sealed class PythonServerContractTests(PythonServerProcess python) : EchoContractTests, IClassFixture<PythonServerProcess>
{
    protected override Uri Address => python.Address;
}
