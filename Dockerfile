# Granary silo image: build with the .NET SDK, run on the chiseled ASP.NET runtime (no shell, no package manager,
# a non-root user). Built by `docker compose build` (docker-compose.yml) or `docker build .`.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the files NuGet reads (shared props and the project files of src/Silo and every project it
# references): this layer stays cached until a project file or a package version changes, not at every code edit.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Grains.Abstractions/Grains.Abstractions.csproj src/Grains.Abstractions/
COPY src/Grains/Grains.csproj src/Grains/
COPY src/Hosting/Hosting.csproj src/Hosting/
COPY src/Persistence/Persistence.csproj src/Persistence/
COPY src/ReadModel/ReadModel.csproj src/ReadModel/
COPY src/WebApi/WebApi.csproj src/WebApi/
COPY src/Silo/Silo.csproj src/Silo/
RUN dotnet restore src/Silo/Silo.csproj
COPY docs/api.md docs/
COPY src/ src/
RUN dotnet publish src/Silo/Silo.csproj -c Release -o /app --no-restore --no-self-contained -p:UseAppHost=false

# The "extra" chiseled image, not the plain one: it carries tzdata, and organizations keep an IANA time zone (daily
# summaries and the stats' "today" follow it; without tzdata only UTC would be accepted). Granary runs with invariant
# globalization, so its ICU goes unused.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled-extra
WORKDIR /app
# Owned by root and read-only to the silo's user; the container's root filesystem can be mounted read-only.
COPY --from=build /app ./
# HTTP API on 8080; Orleans silo-to-silo traffic on 11111, bound on every interface. With
# Granary:Cluster:AdvertisedAddress unset, a clustered silo advertises the container's first non-loopback IPv4
# address, which only the running container knows. Without Granary:Cluster:Tls:CertificatePath that traffic is plain
# TCP: keep port 11111 on a private network that only the silos reach. No Orleans gateway (port 0): clients use the
# HTTP API.
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    Granary__Cluster__SiloPort=11111 \
    Granary__Cluster__GatewayPort=0 \
    Granary__Cluster__ListenAddress=0.0.0.0
EXPOSE 8080 11111
# The image's non-root user "app" (APP_UID), by number so that runtimes can check it is not root.
USER 1654:1654
# No shell or curl here: the silo executable asks its own /health/ready and exits 0 or 1 (the "healthcheck"
# command). Its request times out after 5 s.
HEALTHCHECK --interval=10s --timeout=10s --start-period=90s --retries=3 \
    CMD ["dotnet", "/app/Granary.Silo.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "/app/Granary.Silo.dll"]
