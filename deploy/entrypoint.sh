#!/bin/sh
# Starts a Granary silo in a container (the image's ENTRYPOINT).
#
# Orleans needs the IP address the other silos reach this one on (Granary:Cluster:AdvertisedAddress),
# not a host name: silos that advertise an unreachable address never get past Joining. In a
# container that is the container's own address, which only the running container knows, so it is
# read here from `hostname -i` unless the deployment set it.
set -eu

# The first IPv4 address among the arguments that is not a loopback address.
first_ipv4() {
    for address in "$@"; do
        case "$address" in
            127.*) ;;
            *.*.*.*)
                printf '%s\n' "$address"
                return 0
                ;;
        esac
    done
    return 1
}

if [ -z "${Granary__Cluster__AdvertisedAddress:-}" ]; then
    # shellcheck disable=SC2046 # one address per word
    if address="$(first_ipv4 $(hostname -i 2>/dev/null || true))" ||
        address="$(first_ipv4 $(hostname -I 2>/dev/null || true))"; then
        export Granary__Cluster__AdvertisedAddress="$address"
    else
        echo "granary entrypoint: no IPv4 address found for this container; set Granary__Cluster__AdvertisedAddress" >&2
        exit 1
    fi
fi

exec dotnet /app/Granary.Silo.dll "$@"
