using Npgsql;
using NpgsqlTypes;
using PriceIngest.Bench.Data;

namespace PriceIngest.Bench.Contenders.Sql;

/// <summary>Rows into a table through Npgsql's binary importer (synchronous writes: its fastest path).</summary>
internal static class BinaryCopy
{
    /// <summary>(origin code, destination code, day, price).</summary>
    public static async Task<ulong> CodesAsync(NpgsqlConnection connection, string copyCommand, ReferenceData reference, PriceRow[] rows, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(copyCommand, cancellationToken);
        foreach (var row in rows)
        {
            importer.StartRow();
            importer.Write(reference.Code(row.Origin), NpgsqlDbType.Text);
            importer.Write(reference.Code(row.Destination), NpgsqlDbType.Text);
            importer.Write(row.Day, NpgsqlDbType.Date);
            importer.Write(row.Price, NpgsqlDbType.Integer);
        }

        return await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>(lane id, day, price): the compact form the service stores.</summary>
    public static async Task<ulong> IdsAsync(NpgsqlConnection connection, string copyCommand, PriceRow[] rows, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(copyCommand, cancellationToken);
        foreach (var row in rows)
        {
            importer.StartRow();
            importer.Write(row.Lane, NpgsqlDbType.Integer);
            importer.Write(row.Day, NpgsqlDbType.Date);
            importer.Write(row.Price, NpgsqlDbType.Integer);
        }

        return await importer.CompleteAsync(cancellationToken);
    }
}
