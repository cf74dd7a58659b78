using System.Globalization;

namespace Granary.Engine.Bench.Measurement;

/// <summary>One reported figure.</summary>
/// <param name="Scenario">What was measured, for the table.</param>
/// <param name="Name">The stable key of the <c>name: value</c> line.</param>
/// <param name="Value">The figure.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Notes">Context: counts, targets.</param>
internal sealed record Figure(string Scenario, string Name, double Value, string Unit, string Notes);

/// <summary>Collects figures and prints them as an aligned table followed by one <c>name: value</c> line each.</summary>
internal sealed class Report
{
    private readonly List<Figure> _figures = [];

    public void Add(string scenario, string name, double value, string unit, string notes = "") =>
        _figures.Add(new Figure(scenario, name, value, unit, notes));

    public void Print(TextWriter output)
    {
        string[] header = ["scenario", "value", "unit", "notes"];
        var rows = _figures.Select(f => new[] { f.Scenario, FormatForTable(f.Value), f.Unit, f.Notes }).ToList();
        var widths = Enumerable.Range(0, header.Length)
            .Select(i => rows.Select(r => r[i].Length).Append(header[i].Length).Max())
            .ToArray();

        output.WriteLine();
        output.WriteLine(FormatRow(header, widths));
        output.WriteLine(FormatRow(widths.Select(w => new string('-', w)).ToArray(), widths));
        foreach (var row in rows)
        {
            output.WriteLine(FormatRow(row, widths));
        }
        output.WriteLine();
        foreach (var figure in _figures)
        {
            output.WriteLine($"{figure.Name}: {FormatForLine(figure.Value)}");
        }
    }

    private static string FormatRow(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == 1 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();

    private static string FormatForTable(double value) =>
        Math.Abs(value) >= 1000 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string FormatForLine(double value) =>
        Math.Abs(value) >= 1000 ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);
}
