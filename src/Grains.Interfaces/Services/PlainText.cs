namespace PriceIngest.Grains.Services;

/// <summary>
/// The rule for free text the product stores (port and region names, a batch's source): at most
/// <see cref="MaxLength"/> characters, no control characters (PostgreSQL text cannot hold NUL, and a
/// line break in a name would break the CSV it is read back as).
/// </summary>
public static class PlainText
{
    public const int MaxLength = 200;

    public const string Rule = "at most 200 characters, none of them control characters";

    public static bool IsPlain(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= MaxLength && !text.Any(char.IsControl);
    }
}
