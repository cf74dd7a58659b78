using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;

namespace Granary.Grains.Webhooks.Sending;

/// <summary>
/// The connect step of the sender's handler: resolves the host itself, keeps only the addresses the
/// <see cref="TargetAddressPolicy"/> allows, and connects to those, so the address checked is the address reached
/// (a DNS answer that changes between a check and the connection can't slip a private address in).
/// </summary>
internal sealed class WebhookConnector(TargetAddressPolicy policy)
{
    public async ValueTask<Stream> Connect(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }
        var hostAllowed = policy.IsHostAllowed(host);
        string? refusal = null;
        Exception? lastError = null;
        foreach (var address in addresses)
        {
            if (!hostAllowed && !policy.IsAllowed(address, out var reason))
            {
                refusal ??= reason;
                continue;
            }
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException error)
            {
                // The next allowed address may answer; the last error is reported when none does.
                socket.Dispose();
                lastError = error;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        if (lastError is not null)
        {
            ExceptionDispatchInfo.Throw(lastError);
        }
        throw new WebhookTargetRefusedException($"{host} resolves only to refused addresses: {refusal}");
    }
}
