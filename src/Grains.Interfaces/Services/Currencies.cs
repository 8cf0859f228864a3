using System.Collections.Frozen;

namespace PriceIngest.Grains.Services;

/// <summary>
/// ISO 4217 currency codes an exchange rate may name: the active ones, and those withdrawn since
/// 2000 that historical rates (openexchangerates.org's included) still carry for their days.
/// </summary>
public static class Currencies
{
    public const string Usd = "USD";

    private static readonly FrozenSet<string> Known = """
        AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
        CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP
        GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD
        KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK
        NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS
        SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF
        XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
        BYR EEK HRK LTL LVL MRO MTL SIT SKK STD VEF ZMK ZWD CYP
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.Ordinal);

    public static bool IsKnown(string code) => Known.Contains(code);
}
