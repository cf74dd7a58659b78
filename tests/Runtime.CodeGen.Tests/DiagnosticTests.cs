using Microsoft.CodeAnalysis;

namespace Granary.Runtime.CodeGen.Tests;

public class DiagnosticTests
{
    public static TheoryData<string, string, string, string> Cases => new()
    {
        {
            "GRN001", "int Bar(int x);", "'IFoo.Bar' returns 'int'",
            """
            public interface IFoo : IGrainWithStringKey
            {
                Task Fine();
                int Bar(int x);
            }
            """
        },
        {
            "GRN001", "void Bar();", "'IFoo.Bar' returns 'void'",
            """
            public interface IFoo : IGrainWithStringKey
            {
                void Bar();
            }
            """
        },
        {
            "GRN002", "ref int counter", "Parameter 'counter' of grain interface method 'IFoo.Bar' is declared 'ref'",
            """
            public interface IFoo : IGrainWithStringKey
            {
                Task Bar(string name,
                    ref int counter);
            }
            """
        },
        {
            "GRN002", "out string result", "'IFoo.Bar' is declared 'out'",
            """
            public interface IFoo : IGrainWithStringKey
            {
                Task Bar(out string result);
            }
            """
        },
        {
            "GRN002", "in long value", "'IFoo.Bar' is declared 'in'",
            """
            public interface IFoo : IGrainWithStringKey
            {
                Task Bar(in long value);
            }
            """
        },
        {
            "GRN002", "params System.ReadOnlySpan<int> values", "'IFoo.Bar' is declared 'ref struct ReadOnlySpan<int>'",
            """
            public interface IFoo : IGrainWithStringKey
            {
                Task Bar(params System.ReadOnlySpan<int> values);
            }
            """
        },
        {
            "GRN003", "Task<T> Bar<T>(T value);", "'IFoo.Bar' is generic",
            """
            public interface IFoo : IGrainWithStringKey
            {
                Task<T> Bar<T>(T value);
            }
            """
        },
        {
            "GRN004", "string Bar { get; }", "'IFoo.Bar' is a property",
            """
            public interface IFoo : IGrainWithStringKey
            {
                string Bar { get; }
            }
            """
        },
        {
            "GRN004", "event System.EventHandler Bar;", "'IFoo.Bar' is an event",
            """
            public interface IFoo : IGrainWithStringKey
            {
                event System.EventHandler Bar;
            }
            """
        },
        {
            "GRN004", "Task this[int i] { get; }", "'IFoo.this[]' is an indexer",
            """
            public interface IFoo : IGrainWithStringKey
            {
                Task this[int i] { get; }
            }
            """
        },
        {
            "GRN005", "Task Bar(CancellationToken a, CancellationToken b);", "'IFoo.Bar' takes 2 CancellationToken parameters",
            """
            public interface IFoo : IGrainWithStringKey
            {
                Task Bar(CancellationToken a, CancellationToken b);
            }
            """
        },
        {
            "GRN006", "private interface IFoo", "Grain interface 'Outer.IFoo' is not accessible",
            """
            public class Outer
            {
                private interface IFoo : IGrainWithStringKey
                {
                    Task Bar();
                }
            }
            """
        },
        {
            "GRN006", "private sealed class FooGrain", "Grain class 'Outer.FooGrain' is not accessible",
            """
            public interface IFoo : IGrainWithStringKey
            {
                Task Bar();
            }

            public class Outer
            {
                private sealed class FooGrain : Grain, IFoo
                {
                    public Task Bar() => Task.CompletedTask;
                }
            }
            """
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Invalid_member_is_reported_at_its_line_and_is_the_only_error(string id, string lineText, string messagePart, string body)
    {
        var source = "using System.Threading;\nusing System.Threading.Tasks;\nusing Granary.Runtime;\n\nnamespace MyNs;\n\n" + body + "\n";

        var run = GeneratorHarness.Run(source);

        var error = Assert.Single(run.Errors);
        Assert.Equal(id, error.Id);
        Assert.Equal("Granary", error.Descriptor.Category);
        Assert.Contains(messagePart, error.GetMessage(), StringComparison.Ordinal);
        Assert.Equal(GeneratorHarness.LineOf(source, lineText), error.Location.GetLineSpan().StartLinePosition.Line);
        Assert.EndsWith("Source0.cs", error.Location.GetLineSpan().Path, StringComparison.Ordinal);
        if (!lineText.Contains("class FooGrain", StringComparison.Ordinal))
        {
            Assert.DoesNotContain(run.GeneratedSources, s => s.HintName.Contains("IFoo", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Message_of_GRN001_explains_why()
    {
        var run = GeneratorHarness.Run("""
            using Granary.Runtime;
            namespace MyNs;
            public interface IFoo : IGrainWithStringKey
            {
                int Bar();
            }
            """);

        Assert.Equal(
            "Grain interface method 'IFoo.Bar' returns 'int'; grain methods must return Task, Task<T>, ValueTask or ValueTask<T> because every call is asynchronous",
            Assert.Single(run.Errors).GetMessage());
    }

    [Fact]
    public void Error_in_a_base_interface_is_reported_once_and_derived_interfaces_are_skipped()
    {
        var source = """
            using System.Threading.Tasks;
            using Granary.Runtime;
            namespace MyNs;
            public interface IBase : IGrainWithStringKey
            {
                int Broken();
            }
            public interface IDerived : IBase
            {
                Task Fine();
            }
            """;

        var run = GeneratorHarness.Run(source);

        var error = Assert.Single(run.Errors);
        Assert.Equal("GRN001", error.Id);
        Assert.Equal(GeneratorHarness.LineOf(source, "int Broken"), error.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void Error_in_an_inherited_non_grain_interface_is_reported_at_the_grain_interface()
    {
        var source = """
            using System.Threading.Tasks;
            using Granary.Runtime;
            namespace MyNs;
            public interface IGrainThing : IGrainWithStringKey, System.IDisposable
            {
                Task Fine();
            }
            """;

        var run = GeneratorHarness.Run(source);

        var error = Assert.Single(run.Errors);
        Assert.Equal("GRN001", error.Id);
        Assert.Contains("'IDisposable.Dispose' returns 'void'", error.GetMessage(), StringComparison.Ordinal);
        Assert.Equal(GeneratorHarness.LineOf(source, "interface IGrainThing"), error.Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void Every_problem_of_an_interface_is_reported()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using Granary.Runtime;
            namespace MyNs;
            public interface IFoo : IGrainWithStringKey
            {
                int A();
                Task B(ref int x);
                Task C<T>();
                string D { get; set; }
            }
            """);

        Assert.Equal(["GRN001", "GRN002", "GRN003", "GRN004"], run.Errors.Select(e => e.Id).Order());
        Assert.All(run.Errors, e => Assert.Equal(DiagnosticSeverity.Error, e.Severity));
    }
}
