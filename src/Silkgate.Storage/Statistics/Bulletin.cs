using System.Globalization;
using Silkgate.Common;
using Silkgate.Reference;
using Silkgate.Statistics;

namespace Silkgate.Storage.Statistics;

/// <summary>
/// The bulletin's figures from the store: statistics through <see cref="StatsQueryRunner"/>, and the tariff-preference
/// saving from the duties stored on released import items when their declarations were lodged and assessed
/// (declaration_item.duty_fen, mfn_duty_fen, duty_rate_kind, duty_agreement; migration M0003).
/// </summary>
public static class Bulletin
{
    public static BulletinModel Compute(Database db, ReferenceData reference, YearMonth from, YearMonth to)
    {
        ArgumentNullException.ThrowIfNull(db);
        var runner = new StatsQueryRunner(db);
        // The period and the same months a year before: most figures are answered from these cells in memory.
        runner.Preload(from.AddMonths(-12), to);
        return Compute(runner, reference, from, to, PreferenceTotals(db, from, to));
    }

    public static BulletinModel Compute(StatsQueryRunner runner, ReferenceData reference, YearMonth from, YearMonth to, PreferenceTotals preferences)
    {
        ArgumentNullException.ThrowIfNull(runner);
        return BulletinFigures.Compute(q => runner.Run(q, reference), reference, from, to, preferences, runner.FirstMonthWithTrade);
    }

    /// <summary>
    /// Duty forgone through free-trade-agreement rates on the import items released in the period: for each item
    /// assessed at an agreement rate (conventional or special, with its agreement), duty at the MFN rate − duty paid,
    /// as stored at assessment (before de minimis, so the figures add up item by item). Items without a stored
    /// assessment (bulk-imported external data) are counted, not guessed.
    /// </summary>
    public static PreferenceTotals PreferenceTotals(Database db, YearMonth from, YearMonth to)
    {
        ArgumentNullException.ThrowIfNull(db);
        using var conn = db.OpenConnection();
        const string released = "i.release_month BETWEEN @p0 AND @p1 AND i.flow = 'import'";
        var byAgreement = Sql.Query(conn, null,
            "SELECT i.duty_agreement, count(*), sum(i.duty_fen), sum(i.mfn_duty_fen) FROM declaration_item i " +
            $"WHERE {released} AND i.duty_agreement IS NOT NULL AND i.duty_fen IS NOT NULL AND i.mfn_duty_fen IS NOT NULL " +
            "AND i.duty_rate_kind IN ('conventional', 'special') GROUP BY i.duty_agreement ORDER BY i.duty_agreement",
            r => new AgreementSaving(r.GetString(0), Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture),
                Money.FromFen(Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture)), Money.FromFen(Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture))),
            from.Key, to.Key).ToList();
        var unassessed = Convert.ToInt32(Sql.Scalar<long>(conn, null, $"SELECT count(*) FROM declaration_item i WHERE {released} AND i.duty_fen IS NULL", from.Key, to.Key));
        return new PreferenceTotals(byAgreement.Sum(a => a.Items), byAgreement.Sum(a => a.DutyPaid), byAgreement.Sum(a => a.DutyAtMfn), unassessed,
            byAgreement.OrderByDescending(a => a.Saving).ToList());
    }
}
