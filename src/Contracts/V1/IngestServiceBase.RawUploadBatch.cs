using Grpc.Core;

namespace PriceIngest.Contracts.V1;

public static partial class IngestService
{
    public abstract partial class IngestServiceBase
    {
        /// <summary>
        /// <c>UploadBatch</c> with each request as its raw bytes (<see cref="RawMessage"/>): the wire
        /// contract is unchanged, but a server can decode the items without a message object per item.
        /// A service opts in by binding through <see cref="RawRequestBinder"/>, which serves the
        /// method with this overload instead of the generated one. It lives on the generated base
        /// because Grpc.AspNetCore binds only methods declared there.
        /// </summary>
        public virtual Task<BatchReceipt> UploadBatch(IAsyncStreamReader<RawMessage> requestStream, ServerCallContext context) =>
            throw new RpcException(new Status(StatusCode.Unimplemented, string.Empty));
    }
}
