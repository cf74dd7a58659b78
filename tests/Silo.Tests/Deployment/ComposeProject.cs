using System.Diagnostics;
using System.ComponentModel;
using YamlDotNet.RepresentationModel;

namespace Granary.Silo.Tests.Deployment;

/// <summary>
/// docker-compose.yml as an operator would start it, in a temporary copy of what it needs: deploy/nginx.conf,
/// .env.example copied to .env, and the secret files scripts/compose-secrets.sh creates. <c>docker-compose config</c>
/// (Debian's docker-compose, which scripts/test.sh installs) checks the file and prints it normalised: interpolated,
/// anchors merged, paths made absolute. No Docker engine is needed for that.
/// </summary>
public sealed class ComposeProject : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    public ComposeProject()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("granary-compose-").FullName;
        File.Copy(RepositoryFile("docker-compose.yml"), Path.Combine(Directory, "docker-compose.yml"));
        File.Copy(RepositoryFile(".env.example"), Path.Combine(Directory, ".env"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "deploy"));
        File.Copy(RepositoryFile("deploy/nginx.conf"), Path.Combine(Directory, "deploy", "nginx.conf"));
        SecretsScript = Run("bash", RepositoryFile("scripts/compose-secrets.sh"), "--dir", SecretsDirectory);
        Config = Run("docker-compose", "config");
    }

    /// <summary>The temporary project folder.</summary>
    public string Directory { get; }

    /// <summary>Where the secret files were created.</summary>
    public string SecretsDirectory => Path.Combine(Directory, "deploy", "secrets");

    /// <summary>scripts/compose-secrets.sh's run.</summary>
    public CommandResult SecretsScript { get; }

    /// <summary><c>docker-compose config</c>'s run.</summary>
    public CommandResult Config { get; }

    /// <summary>The normalised configuration <c>docker-compose config</c> printed.</summary>
    public YamlMappingNode Normalised()
    {
        Assert.True(Config.ExitCode == 0, $"docker-compose config exited with {Config.ExitCode}:\n{Config.Output}");
        var yaml = new YamlStream();
        yaml.Load(new StringReader(Config.Standard));
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    /// <summary>
    /// Runs <paramref name="program"/> in the project folder with nothing of this process's environment but PATH and
    /// HOME (so no variable of the machine changes what compose interpolates), plus <paramref name="environment"/>.
    /// </summary>
    public CommandResult Run(string program, params string[] arguments) => Run(program, arguments, new Dictionary<string, string>());

    public CommandResult Run(string program, string[] arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        start.Environment["HOME"] = Directory;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"Cannot run {program} ({ex.Message}). docker-compose comes from Debian's package docker-compose: apt-get install docker-compose (scripts/test.sh installs it).", ex);
        }
        using (process)
        {
            var standard = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(CommandTimeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {CommandTimeout}.");
            }
            return new CommandResult(process.ExitCode, standard.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
        }
    }

    /// <summary>A file of the repository, by its path from the root.</summary>
    public static string RepositoryFile(string relativePath) => Path.Combine(RepositoryRoot.Path, relativePath);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>How a command ended: its exit code, standard output and standard error.</summary>
public sealed record CommandResult(int ExitCode, string Standard, string Error)
{
    public string Output => Standard + Error;
}
