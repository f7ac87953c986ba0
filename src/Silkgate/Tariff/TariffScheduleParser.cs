using System.Collections.Frozen;
using System.Globalization;
using Silkgate.Common;

namespace Silkgate.Tariff;

/// <summary>A schedule row as text, as read from the interchange CSV, with its line number.</summary>
public sealed record TariffRow(
    int Line, string HsCode, string Measure, string RateKind, string Agreement, string Origins, string AdValoremPct,
    string SpecificAmount, string SpecificUnit, string ValidFrom, string ValidTo, string CertificateRequired, string Note);

/// <summary>
/// Validates schedule rows into <see cref="TariffLine"/>s. Every problem is reported with its line; rows that overlap
/// in validity for the same hs_code, measure, rate kind, agreement and origin are refused with both line numbers.
/// Any error refuses the whole file.
/// </summary>
public static class TariffScheduleParser
{
    public const string Columns = "hs_code,measure,rate_kind,agreement,origins,ad_valorem_pct,specific_amount,specific_unit,valid_from,valid_to,certificate_required,note";

    public static IReadOnlyList<TariffLine> Parse(IEnumerable<TariffRow> rows, string file)
    {
        var lines = new List<TariffLine>();
        var errors = new List<string>();
        foreach (var row in rows)
        {
            var problems = new List<string>();
            var line = ParseRow(row, problems);
            if (problems.Count > 0)
                errors.AddRange(problems.Select(p => $"{file}:{row.Line}: {p}"));
            else
                lines.Add(line!);
        }
        if (errors.Count == 0)
            errors.AddRange(Overlaps(lines).Select(o => $"{file}:{o.A.LineNo} and {file}:{o.B.LineNo}: {o.A.HsCode} {TariffLine.MeasureName(o.A.Measure)} {TariffLine.KindName(o.A.Kind)}{(o.A.Agreement is null ? "" : " " + o.A.Agreement)} overlap in validity for origin {o.Origin}"));
        if (errors.Count > 0)
            throw new SilkgateException("SG-TAR-001", $"{errors.Count} problem(s) in the schedule, nothing imported:\n  " + string.Join("\n  ", errors.Take(50)));
        return lines;
    }

    private static TariffLine? ParseRow(TariffRow r, List<string> problems)
    {
        var hs = r.HsCode.Trim();
        if (hs.Length is < 4 or > 10 || !hs.All(char.IsAsciiDigit))
            problems.Add($"hs_code '{hs}' is not 4 to 10 digits");
        TaxMeasure? measure = r.Measure.Trim() switch
        {
            "duty" => TaxMeasure.Duty,
            "consumption_tax" => TaxMeasure.ConsumptionTax,
            "vat" => TaxMeasure.Vat,
            _ => null,
        };
        if (measure is null)
            problems.Add($"measure '{r.Measure}' is not duty, consumption_tax or vat");
        RateKind? kind = r.RateKind.Trim() switch
        {
            "mfn" => RateKind.Mfn,
            "provisional" => RateKind.Provisional,
            "conventional" => RateKind.Conventional,
            "special" => RateKind.Special,
            "general" => RateKind.General,
            "standard" => RateKind.Standard,
            _ => null,
        };
        if (kind is null)
            problems.Add($"rate_kind '{r.RateKind}' is not mfn, provisional, conventional, special, general or standard");
        else if (measure is TaxMeasure.Duty && kind == RateKind.Standard)
            problems.Add("rate_kind standard is for consumption_tax and vat; duty rows take mfn, provisional, conventional, special or general");
        else if (measure is TaxMeasure.ConsumptionTax or TaxMeasure.Vat && kind != RateKind.Standard)
            problems.Add($"rate_kind for {r.Measure} must be standard");
        var agreement = Empty(r.Agreement);
        var origins = r.Origins.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var o in origins.Where(o => o.Length != 2 || !o.All(char.IsAsciiLetterUpper)))
            problems.Add($"origin '{o}' is not an ISO alpha-2 code");
        if (kind is RateKind.Conventional && agreement is null)
            problems.Add("a conventional rate needs its agreement (e.g. CPFTA, APTA)");
        if (kind is RateKind.Conventional or RateKind.Special or RateKind.General && origins.Length == 0)
            problems.Add($"a {r.RateKind} rate applies only to listed origins: origins is empty");
        var pct = Number(r.AdValoremPct, "ad_valorem_pct", problems);
        var specific = Number(r.SpecificAmount, "specific_amount", problems);
        var unit = Empty(r.SpecificUnit);
        if (pct is null && specific is null)
            problems.Add("neither ad_valorem_pct nor specific_amount is given");
        if (specific is not null && unit is null)
            problems.Add("specific_amount needs a specific_unit (kg, l, unit, ...)");
        if (measure == TaxMeasure.ConsumptionTax && pct >= 100)
            problems.Add($"a consumption tax rate of {pct}% leaves no base (CT = base / (1 - rate) x rate)");
        var from = Date(r.ValidFrom, "valid_from", problems, required: true);
        var to = Date(r.ValidTo, "valid_to", problems, required: false);
        if (from is not null && to is not null && to < from)
            problems.Add($"valid_to {r.ValidTo} is before valid_from {r.ValidFrom}");
        bool? certificate = r.CertificateRequired.Trim() switch
        {
            "true" => true,
            "false" or "" => false,
            _ => null,
        };
        if (certificate is null)
            problems.Add($"certificate_required '{r.CertificateRequired}' is not true or false");
        if (problems.Count > 0)
            return null;
        return new TariffLine
        {
            LineNo = r.Line,
            HsCode = hs,
            Measure = measure!.Value,
            Kind = kind!.Value,
            Agreement = agreement,
            Origins = origins.ToFrozenSet(StringComparer.Ordinal),
            AdValoremPct = pct,
            SpecificAmount = specific,
            SpecificUnit = unit,
            ValidFrom = from!.Value,
            ValidTo = to,
            CertificateRequired = certificate!.Value,
            Note = Empty(r.Note),
        };
    }

    private static IEnumerable<(TariffLine A, TariffLine B, string Origin)> Overlaps(List<TariffLine> lines)
    {
        var groups = lines
            .SelectMany(l => (l.Origins.Count == 0 ? ["*"] : l.Origins.AsEnumerable()).Select(o => (Key: (l.HsCode, l.Measure, l.Kind, l.Agreement, l.IsExportDuty, o), Line: l)))
            .GroupBy(x => x.Key);
        foreach (var g in groups)
        {
            var sorted = g.Select(x => x.Line).OrderBy(l => l.ValidFrom).ToList();
            for (var i = 1; i < sorted.Count; i++)
            {
                var previous = sorted[i - 1];
                if (previous.ValidTo is null || previous.ValidTo >= sorted[i].ValidFrom)
                    yield return (previous, sorted[i], g.Key.o == "*" ? "(all)" : g.Key.o);
            }
        }
    }

    private static string? Empty(string s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static decimal? Number(string text, string column, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v))
            return v;
        problems.Add($"{column} '{text}' is not a non-negative number");
        return null;
    }

    private static DateOnly? Date(string text, string column, List<string> problems, bool required)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required)
                problems.Add($"{column} is empty");
            return null;
        }
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            return d;
        problems.Add($"{column} '{text}' is not a date YYYY-MM-DD");
        return null;
    }
}
