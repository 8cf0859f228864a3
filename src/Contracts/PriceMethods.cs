using PriceIngest.Contracts.V1;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Contracts;

/// <summary>The methods of <c>priceingest.v1.PriceService</c> (see protos/priceingest/v1/prices.proto).</summary>
public static class PriceMethods
{
    public const string ServiceName = "priceingest.v1.PriceService";

    public static readonly Method<RatesRequest, RatesReply> GetRates =
        Method.Create(MethodType.Unary, ServiceName, "GetRates", RatesRequest.Parser, RatesReply.Parser);
}
