using PriceIngest.Contracts.Internal.V1;
using V1 = PriceIngest.Contracts.V1;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Contracts;

/// <summary>The methods of <c>priceingest.internal.v1.SiloService</c> (see protos/priceingest/internal/v1/silo.proto).</summary>
public static class SiloMethods
{
    public const string ServiceName = "priceingest.internal.v1.SiloService";

    public static readonly Method<SumLanesRequest, SumLanesReply> SumLanes =
        Method.Create(MethodType.Unary, ServiceName, "SumLanes", SumLanesRequest.Parser, SumLanesReply.Parser);

    public static readonly Method<UploadRequest, V1.BatchReceipt> Upload =
        Method.Create(MethodType.ClientStreaming, ServiceName, "Upload", UploadRequest.Parser, V1.BatchReceipt.Parser);
}
