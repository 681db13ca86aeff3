# tcpfault in a container (docker and podman alike). Two stages:
#   build    Debian 12 + scripts/install-deps + make: the toolchain and the
#            test dependencies; scripts/container-test runs `make test` in it
#   runtime  the runtime libraries and tools only, tcpfault installed under
#            /usr (cases in /usr/share/tcpfault/cases, man pages, completion)
#
#   docker build -t tcpfault .
#   docker run --rm --privileged tcpfault                  # tcpfault doctor
#   docker run --rm --privileged tcpfault tcpfault run     # the shipped quick cases
#
# The cases need namespaces, veth, nftables, sock_diag and a freezer: the
# container must be started with --privileged (tcpfault doctor says what is
# missing otherwise). BASE is the base image; scripts/container-test passes
# one it imported from `debootstrap bookworm` when no registry can be reached.
ARG BASE=docker.io/library/debian:12

FROM ${BASE} AS build
ENV DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes LANG=C.UTF-8
COPY scripts/install-deps /tmp/install-deps
RUN /tmp/install-deps && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . /src
RUN make clean && make -j"$(nproc)" && make install PREFIX=/usr DESTDIR=/stage

FROM ${BASE} AS runtime
ENV DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes LANG=C.UTF-8
# The shared libraries build/tcpfault links (Makefile PKGS) and the tools a
# user wants beside it in a lab (ip netns exec for --keep, nft, tcpdump -r).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
	libnl-3-200 libnl-route-3-200 libmnl0 libnftables1 libjansson4 libpcap0.8 libbpf1 \
	nftables iproute2 procps tcpdump && rm -rf /var/lib/apt/lists/*
COPY --from=build /stage/ /
WORKDIR /root
CMD ["tcpfault", "doctor"]
