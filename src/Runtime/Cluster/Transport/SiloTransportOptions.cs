namespace Granary.Runtime.Cluster.Transport;

/// <summary>Settings of the silo-to-silo TCP transport (configuration section <c>Granary:Cluster</c>).</summary>
public sealed class SiloTransportOptions
{
    /// <summary>Silos prove they belong to this cluster in the handshake.</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>The secret every silo of the cluster shares; the handshake proves knowledge of it with HMAC-SHA256. Required.</summary>
    public string? SharedSecret { get; set; }

    /// <summary>Limit for opening a connection, handshake included.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest frame accepted; a peer that sends a larger one is disconnected.</summary>
    public int MaxFrameBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Requests awaiting a response on one connection; senders wait for room beyond it (back-pressure).</summary>
    public int MaxInFlightPerConnection { get; set; } = 8192;

    /// <summary>How often pending requests are checked against their deadline.</summary>
    public TimeSpan DeadlineCheckInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
