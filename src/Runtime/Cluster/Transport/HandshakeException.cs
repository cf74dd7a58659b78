namespace Granary.Runtime.Cluster.Transport;

/// <summary>The peer failed the cluster handshake; the message is the reason, logged with the remote endpoint.</summary>
internal sealed class HandshakeException(string reason) : Exception(reason);
