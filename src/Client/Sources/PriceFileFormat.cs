namespace PriceIngest.Client.Sources;

/// <summary>The two file formats of the REST API, also read by the client.</summary>
public enum PriceFileFormat
{
    /// <summary>CSV with the header <c>origin,destination,day,price</c> (any column order).</summary>
    Csv,

    /// <summary>One JSON object <c>{"origin","destination","day","price"}</c> per line.</summary>
    Ndjson,
}

public static class PriceFileFormats
{
    /// <summary>The format a file name implies: .ndjson/.jsonl/.json are NDJSON, .csv (and anything else) CSV.</summary>
    public static PriceFileFormat FromPath(string path)
    {
        var extension = Path.GetExtension(path).ToUpperInvariant();
        return extension is ".NDJSON" or ".JSONL" or ".JSON" ? PriceFileFormat.Ndjson : PriceFileFormat.Csv;
    }
}
