namespace Silkgate.Tariff;

/// <summary>Duty paid against duty at MFN, for one preference (agreement or rate kind), origin and port.</summary>
public sealed record PreferenceSaving(string Preference, string Origin, string Port, int Items, decimal DutyPaid, decimal DutyAtMfn)
{
    public decimal Saving => DutyAtMfn - DutyPaid;
}

/// <summary>Preferences left unclaimed: an eligible origin without the certificate the agreement needs.</summary>
public sealed record UnclaimedPreference(string Preference, string Origin, string Port, int Items, decimal DutyPaid, decimal DutyWithPreference)
{
    public decimal Forgone => DutyPaid - DutyWithPreference;
}

/// <summary>
/// For a set of taxed declarations: what each preference saved against MFN (by agreement, origin and port), and what
/// was left unclaimed. Amounts are item duties before de minimis, so the figures add up item by item.
/// </summary>
public static class PreferenceAnalysis
{
    public static (IReadOnlyList<PreferenceSaving> Savings, IReadOnlyList<UnclaimedPreference> Unclaimed) Analyse(IEnumerable<DeclarationTaxResult> results)
    {
        var rows = results
            .Where(r => r.Regime is TaxRegime.General or TaxRegime.CbecOverLimit)
            .SelectMany(r => r.Items.Select(i => (r.Declaration.Port, i.Item.Origin, i.Taxes)))
            .ToList();
        var savings = rows
            .Where(x => x.Taxes.Duty.Line is { } l && x.Taxes.MfnDuty.Line is not null && l.Kind is not (RateKind.Mfn or RateKind.General))
            .GroupBy(x => (Preference: x.Taxes.Duty.Line!.Agreement ?? TariffLine.KindName(x.Taxes.Duty.Line.Kind), x.Origin, x.Port))
            .Select(g => new PreferenceSaving(g.Key.Preference, g.Key.Origin, g.Key.Port, g.Count(), g.Sum(x => x.Taxes.Duty.Amount), g.Sum(x => x.Taxes.MfnDuty.Amount)))
            .OrderByDescending(s => s.Saving)
            .ToList();
        var unclaimed = rows
            .Where(x => x.Taxes.UnclaimedDuty.Line is not null)
            .GroupBy(x => (Preference: x.Taxes.UnclaimedDuty.Line!.Agreement ?? TariffLine.KindName(x.Taxes.UnclaimedDuty.Line.Kind), x.Origin, x.Port))
            .Select(g => new UnclaimedPreference(g.Key.Preference, g.Key.Origin, g.Key.Port, g.Count(), g.Sum(x => x.Taxes.Duty.Amount), g.Sum(x => x.Taxes.UnclaimedDuty.Amount)))
            .OrderByDescending(u => u.Forgone)
            .ToList();
        return (savings, unclaimed);
    }
}
