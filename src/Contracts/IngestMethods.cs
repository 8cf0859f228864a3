using PriceIngest.Contracts.V1;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Contracts;

/// <summary>The methods of <c>priceingest.v1.IngestService</c> (see protos/priceingest/v1/ingest.proto).</summary>
public static class IngestMethods
{
    public const string ServiceName = "priceingest.v1.IngestService";

    public static readonly Method<UploadBatchRequest, BatchReceipt> UploadBatch =
        Method.Create(MethodType.ClientStreaming, ServiceName, "UploadBatch", UploadBatchRequest.Parser, BatchReceipt.Parser);

    public static readonly Method<SubmitBatchRequest, BatchReceipt> SubmitBatch =
        Method.Create(MethodType.Unary, ServiceName, "SubmitBatch", SubmitBatchRequest.Parser, BatchReceipt.Parser);

    public static readonly Method<GetBatchRequest, BatchReceipt> GetBatch =
        Method.Create(MethodType.Unary, ServiceName, "GetBatch", GetBatchRequest.Parser, BatchReceipt.Parser);
}
