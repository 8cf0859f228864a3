using PriceIngest.Grpc.Core;
using PriceIngest.Grpc.Tests.Protos;

namespace PriceIngest.Grpc.Tests.Echo;

/// <summary>The methods of priceingest.test.EchoService, shared by the test server and clients.</summary>
public static class EchoMethods
{
    public const string ServiceName = "priceingest.test.EchoService";

    public static Method<EchoRequest, EchoReply> Unary { get; } =
        Method.Create(MethodType.Unary, ServiceName, "Unary", EchoRequest.Parser, EchoReply.Parser);

    public static Method<Number, SumReply> ClientStream { get; } =
        Method.Create(MethodType.ClientStreaming, ServiceName, "ClientStream", Number.Parser, SumReply.Parser);

    public static Method<StreamRequest, EchoReply> ServerStream { get; } =
        Method.Create(MethodType.ServerStreaming, ServiceName, "ServerStream", StreamRequest.Parser, EchoReply.Parser);

    public static Method<EchoRequest, EchoReply> Duplex { get; } =
        Method.Create(MethodType.DuplexStreaming, ServiceName, "Duplex", EchoRequest.Parser, EchoReply.Parser);

    public static Method<FailRequest, EchoReply> Fail { get; } =
        Method.Create(MethodType.Unary, ServiceName, "Fail", FailRequest.Parser, EchoReply.Parser);

    public static Method<SleepRequest, SleepReply> Sleep { get; } =
        Method.Create(MethodType.Unary, ServiceName, "Sleep", SleepRequest.Parser, SleepReply.Parser);
}
