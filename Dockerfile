# Granary silo image: build with the .NET SDK, run on the ASP.NET runtime.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props App.sln ./
COPY src/ src/
RUN dotnet publish src/Silo/Silo.csproj -c Release -o /app --no-self-contained

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# Reads the container's own IP into Granary:Cluster:AdvertisedAddress, then starts the silo.
COPY deploy/entrypoint.sh /usr/local/bin/granary-entrypoint
RUN chmod 0755 /usr/local/bin/granary-entrypoint
# HTTP API on 8080; Orleans silo-to-silo traffic on 11111, bound on every interface and advertised
# on the container's address. Without Granary:Cluster:Tls:CertificatePath that traffic is plain TCP:
# keep port 11111 on a private network that only the silos reach. No Orleans gateway (port 0):
# clients use the HTTP API.
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    Granary__Cluster__SiloPort=11111 \
    Granary__Cluster__GatewayPort=0 \
    Granary__Cluster__ListenAddress=0.0.0.0
EXPOSE 8080 11111
USER app
ENTRYPOINT ["/usr/local/bin/granary-entrypoint"]
