# Granary silo image: build with the .NET SDK, run on the ASP.NET runtime.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props App.sln ./
COPY src/ src/
RUN dotnet publish src/Silo/Silo.csproj -c Release -o /app --no-self-contained

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# HTTP API on 8080, silo-to-silo traffic on 11111.
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    Granary__Cluster__SiloPort=11111 \
    Granary__Cluster__ListenAddress=0.0.0.0
EXPOSE 8080 11111
USER app
ENTRYPOINT ["dotnet", "Granary.Silo.dll"]
