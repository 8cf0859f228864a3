using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace PriceIngest.Api.Rest;

/// <summary>Reads query parameters strictly, so every error names the parameter.</summary>
internal static class QueryParameters
{
    public static bool TryGetText(IQueryCollection query, string name, out string value, out IResult? problem)
    {
        value = query[name].ToString().Trim();
        problem = value.Length == 0 ? Problems.BadParameter(name, $"query parameter '{name}' is required") : null;
        return problem is null;
    }

    public static bool TryGetDate(IQueryCollection query, string name, out DateOnly value, out IResult? problem)
    {
        value = default;
        if (!TryGetText(query, name, out var text, out problem))
        {
            return false;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value))
        {
            return true;
        }

        problem = Problems.BadParameter(name, $"{name} '{text}' is not a real date in YYYY-MM-DD form");
        return false;
    }

    public static bool TryGetOptionalLong(IQueryCollection query, string name, long min, out long? value, out IResult? problem)
    {
        value = null;
        problem = null;
        var text = query[name].ToString().Trim();
        if (text.Length == 0)
        {
            return true;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= min)
        {
            value = parsed;
            return true;
        }

        problem = Problems.BadParameter(name, $"{name} '{text}' must be a whole number of at least {min}");
        return false;
    }

    public static bool TryGetFlag(IQueryCollection query, string name, out bool value, out IResult? problem)
    {
        var text = query[name].ToString().Trim();
        value = text.Equals("true", StringComparison.OrdinalIgnoreCase) || text == "1";
        problem = value || text.Length == 0 || text.Equals("false", StringComparison.OrdinalIgnoreCase) || text == "0"
            ? null
            : Problems.BadParameter(name, $"{name} '{text}' must be true or false");
        return problem is null;
    }
}
